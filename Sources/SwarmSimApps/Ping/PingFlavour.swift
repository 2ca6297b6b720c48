/// Which `ping` a machine has: busybox's in alpine and busybox containers, iputils' on the
/// nodes and outside hosts. They differ in wording, numbering and timing details.
public enum PingFlavour: Sendable {
    /// busybox `networking/ping.c`: `seq=0` first, `N packets received`, `round-trip min/avg/max`,
    /// exit 1 on any failure including a bad name.
    case busybox
    /// iputils `ping/ping.c` + `ping_common.c` (20211215, as in current distributions):
    /// `icmp_seq=1` first, `time Tms` and `rtt min/avg/max/mdev`, exit 2 on a bad name.
    case iputils
}
