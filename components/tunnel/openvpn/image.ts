/**
 * The image Kubermatic KKP ran its OpenVPN tunnel with, v2.21 to v2.26 (kubermatic/kubermatic,
 * pkg/resources/openvpn/deployment.go and pkg/resources/vpnsidecar/openvpnClient.go): Alpine with
 * OpenVPN 2.5.2 at /usr/sbin/openvpn, bash, iptables and busybox (sh, ping, test)
 * (hack/images/openvpn/Dockerfile).
 */
export const openvpnImage = "quay.io/kubermatic/openvpn:v2.5.2-r0";
export const openvpnBinary = "/usr/sbin/openvpn";
