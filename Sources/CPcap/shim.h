// libpcap, wrapped for Swift. Only SwarmSimCapture imports this module. stdio_ext.h gives
// __fsetlocking, so the single-threaded capture writers skip stdio's per-call locks.
#ifndef SWARMSIM_CPCAP_SHIM_H
#define SWARMSIM_CPCAP_SHIM_H
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#endif
