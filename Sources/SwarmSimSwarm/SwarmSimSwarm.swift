/// The control plane: what libnetwork and swarmkit do on a real cluster.
///
/// This module allocates (IPAM, VNIs, fwmarks), places tasks, creates the namespaces and devices
/// of every node (overlay namespaces with br0 and vxlan0, `ingress_sbox`, `lb_` namespaces,
/// task containers, docker_gwbridge) and programs the kernel model with the artefacts libnetwork
/// programs: iptables rules as `iptables-save` text, IPVS services as `ipvsadm` commands, routes,
/// permanent neighbours and FDB entries, DNS records. It never moves a packet itself.
public enum SwarmSimSwarm {}
