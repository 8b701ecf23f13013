// Where an Issuer's Secrets (account key, EAB key) live: its own namespace, or for a
// ClusterIssuer the cluster resource namespace, as in cert-manager.
export function issuerSecretNamespace(kind: 'Issuer' | 'ClusterIssuer', namespace: string | undefined, clusterResourceNamespace: string): string {
  return kind === 'ClusterIssuer' ? clusterResourceNamespace : (namespace ?? 'default');
}
