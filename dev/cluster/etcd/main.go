// Command etcd is the upstream etcd server, built from the Go module proxy because
// Debian's etcd (3.4.23) is older than current kube-apiservers accept.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
