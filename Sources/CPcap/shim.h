// libpcap, wrapped for Swift. Only SwarmSimCapture imports this module.
#ifndef SWARMSIM_CPCAP_SHIM_H
#define SWARMSIM_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
