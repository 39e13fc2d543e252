/**
 * Ports fixed by the design: kube-apiserver serves 6443 in its pods and on the load balancer, so
 * the public API URL, the issuer and the in-seed URL all name the same port; OpenVPN uses 1194.
 */
export const apiserverPort = 6443;
export const openvpnPort = 1194;
