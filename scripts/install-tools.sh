#!/usr/bin/env bash
# Installs the servers the service and its tests need into the git-ignored .tools/bin: the
# Go-built Temporal CLI, Pebble and pebble-challtestsrv, and Temporal's time-skipping test server
# (a Java program from Maven Central, for the workflow tests). A binary already on PATH is used
# as is. Builds go to a per-user cache keyed by version, so fresh clones on the same machine (CI)
# reuse them instead of spending minutes in `go install` / `mvn` again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/.tools/bin"
cache="${TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporal-cert-manager/tools}"
mkdir -p "$bin"

install() { # name module version
  local name=$1 mod=$2 version=$3
  local dest="$cache/$name@$version"
  # Kept: the wanted version, or a binary the user put there. A link to another version in the
  # cache (a checkout from before an upgrade) is replaced.
  if [ -x "$bin/$name" ]; then
    case "$(readlink "$bin/$name" || true)" in
      "$dest/$name") return ;;
      "$cache/$name@"*) ;;
      *) return ;;
    esac
  fi
  if command -v "$name" >/dev/null 2>&1; then ln -sf "$(command -v "$name")" "$bin/$name"; return; fi
  if [ ! -x "$dest/$name" ]; then
    if ! command -v go >/dev/null 2>&1; then
      echo "install-tools: $name is not on PATH and Go is not installed." >&2
      echo "  Install Go 1.25+ (https://go.dev/dl/ or 'apt-get install golang-go') and run 'npm run tools' again," >&2
      echo "  or put a $name binary ($mod@$version) on PATH." >&2
      exit 1
    fi
    echo "install-tools: building $name ($mod@$version); this takes a few minutes the first time" >&2
    mkdir -p "$dest"
    GOBIN="$dest" GOFLAGS=-mod=mod go install "$mod@$version"
  fi
  ln -sf "$dest/$name" "$bin/$name"
}

# The test server is io.temporal:temporal-test-server from Maven Central with its runtime jars,
# behind a wrapper taking the arguments the Temporal SDKs pass (`<port> [extra args]`).
install_test_server() { # version
  local name=temporal-test-server version=$1
  if [ -x "$bin/$name" ]; then return; fi
  if command -v "$name" >/dev/null 2>&1; then ln -sf "$(command -v "$name")" "$bin/$name"; return; fi
  local dest="$cache/$name@$version"
  if [ ! -x "$dest/$name" ]; then
    local missing=""
    command -v java >/dev/null 2>&1 || missing="$missing java (JDK 17+)"
    command -v mvn >/dev/null 2>&1 || missing="$missing mvn (Maven 3.8+)"
    if [ -n "$missing" ]; then
      echo "install-tools: $name is not on PATH and needs$missing to be installed." >&2
      echo "  Install them ('apt-get install default-jdk-headless maven') and run 'npm run tools' again," >&2
      echo "  or put a $name executable (io.temporal:$name:$version, run as '$name <port>') on PATH." >&2
      exit 1
    fi
    echo "install-tools: fetching $name $version and its jars from Maven Central" >&2
    local work
    work=$(mktemp -d)
    cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>$name-download</artifactId><version>0</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>$name</artifactId><version>$version</version></dependency>
    <!-- a logging backend, or SLF4J complains on every start -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
    mvn -B -q -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/lib"
    # Serial GC and the C1 compiler only: it starts faster and leaves the CPU to the tests.
    cat >"$work/$name" <<'SH'
#!/usr/bin/env bash
here=$(dirname "$(readlink -f "$0")")
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$here/lib/*" io.temporal.testserver.TestServer "$@"
SH
    chmod +x "$work/$name"
    mkdir -p "$cache"
    rm -rf "$dest"
    mv "$work" "$dest"
  fi
  ln -sf "$dest/$name" "$bin/$name"
}

want=${1:-all}
if [ "$want" = all ] || [ "$want" = temporal ]; then
  install temporal github.com/temporalio/cli/cmd/temporal v1.5.1
fi
if [ "$want" = all ] || [ "$want" = pebble ]; then
  # 2.10.3, not 2.10.1: 2.10.1 deadlocks under load (CompleteOrder kept an authorization's read
  # lock when it found it not valid, and every request then waited on the store's lock; seen at
  # about 5,000 certificates in `BENCH_SCALE_N=10000 npm run bench:scale`).
  install pebble github.com/letsencrypt/pebble/v2/cmd/pebble v2.10.3
  install pebble-challtestsrv github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv v2.10.3
fi
if [ "$want" = all ] || [ "$want" = test-server ]; then
  install_test_server 1.38.0
fi
echo "install-tools: $(ls "$bin" | tr '\n' ' ')in $bin" >&2
