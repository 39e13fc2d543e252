// A platform stack that hands the components secrets as plain strings.
import * as k8s from "@pulumi/kubernetes";
import { KonnectivityAgents, Tenant } from "../../components";

new Tenant("plain", {
    project: { kind: "adopt", id: "p-1" },
    network: { kind: "create", cidr: "192.168.7.0/24" },
    credentials: {
        kind: "password",
        authUrl: "https://keystone.example.com/v3",
        userName: "u",
        userDomainName: "Default",
        projectName: "home",
        projectDomainName: "Default",
        password: "plain-password" as never,
    },
    externalNetwork: "public",
});

// The platform's own provider; the agents' certificates are what the component must keep secret.
const provider = new k8s.Provider("plain-user-cluster", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
new KonnectivityAgents("plain-agents", {
    provider,
    certificates: {
        caCertPem: "ca",
        certPem: "cert",
        keyPem: "-----BEGIN EC PRIVATE KEY-----\nplain\n-----END EC PRIVATE KEY-----\n",
    },
    proxyServerHost: "203.0.113.10",
    proxyServerPort: 8132,
    apiHost: "203.0.113.10",
    image: "registry.k8s.io/kas-network-proxy/proxy-agent:v0.34.0",
    serverCount: 2,
});
