/**
 * Ports fixed by the design: kube-apiserver serves 6443 in its pods and on the load balancer, so
 * the public API URL, the issuer and the in-seed URL all name the same port; OpenVPN uses 1194.
 */
export const apiserverPort = 6443;
export const openvpnPort = 1194;
/** konnectivity-server's admin and health ports in the apiserver pod (platforms use 8133/8134). */
export const konnectivityAdminPort = 8133;
export const konnectivityHealthPort = 8134;
/** kube-controller-manager's --node-cidr-mask-size: the pod range each node gets from podCidr. */
export const nodePodCidrMaskSize = 24;
