// Command kubelet-stand-in serves the kubelet API of one end-to-end worker node: the paths
// kube-apiserver reaches through the tunnel (containerLogs, exec, portForward, and node proxy
// GETs such as /healthz and /pods), authenticated and authorised the way a kubelet with
// `authentication.x509.clientCAFile` and `authorization.mode: Webhook` does it: the client
// certificate must chain to the cluster CA (user = CN, groups = O), and every request is a
// SubjectAccessReview on nodes/<subresource> made with the node's own credentials, its answer
// cached for the kubelet's default TTLs.
//
// Why a stand-in: kubemark's hollow node (which registers the Node and runs its pods on a fake
// runtime) builds its kubelet server without TLS and without authentication (cmd/kubelet/app's
// InitializeTLS and BuildAuth run only in the real kubelet's run()), and its fake runtime has no
// log files, exec or port-forward streams. The streams here are the kubelet's own streaming code
// (k8s.io/cri-streaming): exec runs the command as a process on this node, port-forward dials the
// port on this node's loopback, and container logs are numbered lines.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/certificate"
	"k8s.io/cri-streaming/pkg/streaming/portforward"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

type standIn struct {
	node     string
	client   kubernetes.Interface
	verify   x509.VerifyOptions
	logLines int

	mu        sync.Mutex
	decisions map[string]decision
}

// decision is a cached SubjectAccessReview answer, kept as long as a kubelet's webhook
// authorizer keeps it by default (cacheAuthorizedTTL 5m, cacheUnauthorizedTTL 30s).
type decision struct {
	allowed bool
	until   time.Time
}

const (
	authorizedTTL   = 5 * time.Minute
	unauthorizedTTL = 30 * time.Second
)

type identity struct {
	user   string
	groups []string
}

// authenticate accepts a client certificate that chains to the cluster CA for client auth.
func (s *standIn) authenticate(r *http.Request) (identity, bool) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return identity{}, false
	}
	opts := s.verify
	opts.Intermediates = x509.NewCertPool()
	for _, c := range r.TLS.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	leaf := r.TLS.PeerCertificates[0]
	if _, err := leaf.Verify(opts); err != nil {
		return identity{}, false
	}
	return identity{user: leaf.Subject.CommonName, groups: leaf.Subject.Organization}, true
}

// subresources maps a kubelet path to the nodes subresources a kubelet authorises it as
// (pkg/kubelet/server/auth.go): the fine-grained one first, then proxy; any allowed suffices.
func subresources(path string) []string {
	under := func(prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }
	switch {
	case under("/stats"):
		return []string{"stats"}
	case under("/metrics"):
		return []string{"metrics"}
	case under("/logs"):
		return []string{"log"}
	case under("/checkpoint"):
		return []string{"checkpoint"}
	case under("/pods"), under("/runningpods"):
		return []string{"pods", "proxy"}
	case under("/healthz"):
		return []string{"healthz", "proxy"}
	case under("/configz"):
		return []string{"configz", "proxy"}
	}
	return []string{"proxy"}
}

var verbs = map[string]string{"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}

func (s *standIn) authorize(ctx context.Context, id identity, r *http.Request) (bool, []string, error) {
	subs := subresources(r.URL.Path)
	for _, sub := range subs {
		key := strings.Join([]string{id.user, strings.Join(id.groups, ","), verbs[r.Method], sub}, "|")
		s.mu.Lock()
		cached, ok := s.decisions[key]
		s.mu.Unlock()
		if ok && time.Now().Before(cached.until) {
			if cached.allowed {
				return true, subs, nil
			}
			continue
		}
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:   id.user,
			Groups: id.groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: verbs[r.Method], Version: "v1", Resource: "nodes", Subresource: sub, Name: s.node,
			},
		}}
		result, err := s.client.AuthorizationV1().SubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			return false, subs, err
		}
		ttl := unauthorizedTTL
		if result.Status.Allowed {
			ttl = authorizedTTL
		}
		s.mu.Lock()
		s.decisions[key] = decision{allowed: result.Status.Allowed, until: time.Now().Add(ttl)}
		s.mu.Unlock()
		if result.Status.Allowed {
			return true, subs, nil
		}
	}
	return false, subs, nil
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := s.authenticate(r)
	if !ok {
		log.Printf("401 %s %s from %s: no client certificate of the cluster CA", r.Method, r.URL.Path, r.RemoteAddr)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	allowed, subs, err := s.authorize(r.Context(), id, r)
	if err != nil {
		log.Printf("500 %s %s user=%s: SubjectAccessReview failed: %v", r.Method, r.URL.Path, id.user, err)
		http.Error(w, "Authorization error", http.StatusInternalServerError)
		return
	}
	if !allowed {
		log.Printf("403 %s %s user=%s subresources=%v", r.Method, r.URL.Path, id.user, subs)
		http.Error(w, fmt.Sprintf("Forbidden (user=%s, verb=%s, resource=nodes, subresource(s)=%v)",
			id.user, verbs[r.Method], subs), http.StatusForbidden)
		return
	}
	log.Printf("request %s %s user=%s from=%s", r.Method, r.URL.Path, id.user, r.RemoteAddr)
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/healthz":
		_, _ = io.WriteString(w, "ok")
	case r.URL.Path == "/pods" || r.URL.Path == "/pods/":
		s.pods(w, r)
	case parts[0] == "containerLogs" && len(parts) == 4:
		s.containerLogs(w, r, parts[1], parts[2], parts[3])
	case parts[0] == "exec" && len(parts) == 4:
		s.exec(w, r, parts[2], parts[3])
	case parts[0] == "portForward" && len(parts) == 3:
		s.portForward(w, r, parts[2])
	default:
		http.NotFound(w, r)
	}
}

func (s *standIn) pods(w http.ResponseWriter, r *http.Request) {
	list, err := s.client.CoreV1().Pods("").List(r.Context(), metav1.ListOptions{FieldSelector: "spec.nodeName=" + s.node})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}

// containerLogs writes numbered lines (tailLines honoured); with follow it keeps writing one line
// every 200 ms until the client goes away.
func (s *standIn) containerLogs(w http.ResponseWriter, r *http.Request, ns, pod, container string) {
	q := r.URL.Query()
	first := 1
	if tail, err := strconv.Atoi(q.Get("tailLines")); err == nil && tail < s.logLines {
		first = s.logLines - tail + 1
	}
	w.Header().Set("Content-Type", "text/plain")
	line := func(i int) { fmt.Fprintf(w, "%s/%s/%s line %d\n", ns, pod, container, i) }
	for i := first; i <= s.logLines; i++ {
		line(i)
	}
	if q.Get("follow") != "true" {
		return
	}
	flusher, _ := w.(http.Flusher)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for i := s.logLines + 1; ; i++ {
		if flusher != nil {
			flusher.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			line(i)
		}
	}
}

const (
	streamIdleTimeout     = 4 * time.Hour
	streamCreationTimeout = 30 * time.Second
)

type processExecutor struct{}

func (processExecutor) ExecInContainer(ctx context.Context, _, _, _ string, cmd []string, in io.Reader,
	out, errOut io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(cmd) == 0 {
		return fmt.Errorf("no command")
	}
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Stdin, c.Stdout, c.Stderr = in, out, errOut
	err := c.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		return &utilexec.ExitErrorWrapper{ExitError: exitErr}
	}
	return err
}

func (s *standIn) exec(w http.ResponseWriter, r *http.Request, pod, container string) {
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	remotecommand.ServeExec(w, r, processExecutor{}, pod, "", container, r.URL.Query()["command"], opts,
		streamIdleTimeout, streamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

type loopbackForwarder struct{}

func (loopbackForwarder) PortForward(ctx context.Context, _, _ string, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))))
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(conn, stream); done <- struct{}{} }()
	go func() { _, _ = io.Copy(stream, conn); done <- struct{}{} }()
	<-done
	return nil
}

func (s *standIn) portForward(w http.ResponseWriter, r *http.Request, pod string) {
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, r, loopbackForwarder{}, pod, "", opts,
		streamIdleTimeout, streamCreationTimeout, portforward.SupportedProtocols)
}

// servePayload answers GET /bytes/<n> with n bytes and anything else with a greeting.
func servePayload(addr, node string) {
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/bytes/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/bytes/"), 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "want /bytes/<n>", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		for n > 0 {
			k := min(n, int64(len(chunk)))
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
			n -= k
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "hello from %s\n", node) })
	log.Fatal((&http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 30 * time.Second}).ListenAndServe())
}

// servingCertificate is the kubelet's serving certificate as a kubelet with serverTLSBootstrap
// gets it: client-go's certificate manager, configured as pkg/kubelet/certificate's
// NewKubeletServerCertificateManager configures it (signer kubernetes.io/kubelet-serving, the
// default kubelet-serving usages, subject system:node:<node> in system:nodes, SANs from the Node's
// addresses), files kept in certDir. It asks with the node's credentials, then waits for an
// approver and the signer; until then the TLS handshake has no certificate to offer.
func servingCertificate(client kubernetes.Interface, node, certDir string) (func() (*tls.Certificate, error), error) {
	store, err := certificate.NewFileStore("kubelet-server", certDir, certDir, "", "")
	if err != nil {
		return nil, err
	}
	template := func() *x509.CertificateRequest {
		n, err := client.CoreV1().Nodes().Get(context.Background(), node, metav1.GetOptions{})
		if err != nil {
			log.Printf("serving certificate: reading Node %s: %v", node, err)
			return nil
		}
		req := &x509.CertificateRequest{Subject: pkix.Name{CommonName: "system:node:" + node, Organization: []string{"system:nodes"}}}
		for _, a := range n.Status.Addresses {
			ip := net.ParseIP(a.Address)
			switch {
			case a.Address == "":
			case (a.Type == "InternalIP" || a.Type == "ExternalIP" || a.Type == "Hostname") && ip != nil:
				req.IPAddresses = append(req.IPAddresses, ip)
			case a.Type == "Hostname" || a.Type == "InternalDNS" || a.Type == "ExternalDNS":
				req.DNSNames = append(req.DNSNames, a.Address)
			}
		}
		if len(req.IPAddresses) == 0 && len(req.DNSNames) == 0 {
			return nil // as the kubelet: no request before the Node has addresses
		}
		return req
	}
	m, err := certificate.NewManager(&certificate.Config{
		ClientsetFn:      func(*tls.Certificate) (kubernetes.Interface, error) { return client, nil },
		GetTemplate:      template,
		SignerName:       certificatesv1.KubeletServingSignerName,
		GetUsages:        certificate.DefaultKubeletServingGetUsages,
		CertificateStore: store,
	})
	if err != nil {
		return nil, err
	}
	m.Start()
	return func() (*tls.Certificate, error) {
		if c := m.Current(); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("no serving certificate yet (CSR pending approval or signing)")
	}, nil
}

func main() {
	node := flag.String("node-name", "", "the Node this kubelet serves")
	listen := flag.String("listen", "0.0.0.0:10250", "address of the kubelet API")
	clientCA := flag.String("client-ca-file", "", "CA bundle that client certificates must chain to")
	kubeconfig := flag.String("kubeconfig", "", "the node's kubeconfig, for SubjectAccessReviews")
	logLines := flag.Int("log-lines", 100, "lines every container log holds")
	certDir := flag.String("cert-dir", "", "with --rotate-server-certificates: where the serving certificate is kept")
	rotate := flag.Bool("rotate-server-certificates", false,
		"get the serving certificate through a kubernetes.io/kubelet-serving CSR (the kubelet's serverTLSBootstrap)")
	tlsCert := flag.String("tls-cert-file", "", "otherwise: the serving certificate")
	tlsKey := flag.String("tls-private-key-file", "", "otherwise: its key")
	payload := flag.String("payload-listen", "127.0.0.1:8080",
		"a port of this node's pods: GET /bytes/<n> answers n bytes (the port-forward target)")
	flag.Parse()
	if *node == "" || *clientCA == "" || *kubeconfig == "" {
		log.Fatal("--node-name, --client-ca-file and --kubeconfig are required")
	}
	pem, err := os.ReadFile(*clientCA)
	if err != nil {
		log.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		log.Fatalf("%s holds no certificate", *clientCA)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	var getCertificate func() (*tls.Certificate, error)
	switch {
	case *rotate && *certDir != "":
		if getCertificate, err = servingCertificate(client, *node, *certDir); err != nil {
			log.Fatal(err)
		}
	case !*rotate && *tlsCert != "" && *tlsKey != "":
		pair, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			log.Fatal(err)
		}
		getCertificate = func() (*tls.Certificate, error) { return &pair, nil }
	default:
		log.Fatal("either --rotate-server-certificates with --cert-dir, or --tls-cert-file and --tls-private-key-file")
	}
	s := &standIn{
		node:      *node,
		client:    client,
		verify:    x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		logLines:  *logLines,
		decisions: map[string]decision{},
	}
	server := &http.Server{
		Addr:              *listen,
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		TLSConfig: &tls.Config{
			GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return getCertificate() },
			ClientAuth:     tls.RequestClientCert,
			MinVersion:     tls.VersionTLS12,
		},
	}
	go servePayload(*payload, *node)
	log.Printf("kubelet stand-in for node %s on %s", *node, *listen)
	log.Fatal(server.ListenAndServeTLS("", ""))
}
