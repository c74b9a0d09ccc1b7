/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_prefilter.c — a whole capture file in memory through libpcap and the prefilter: every
 * link type it accepts, truncated and mangled packets. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

#include "prefilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const guint16 ports[2] = { 102, 1102 };
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f)
    return 0;
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_fopen_offline(f, err);
  if (!p) {
    fclose(f);
    /* the raw bytes as one packet of each supported link type */
    static const int lts[] = { 0, 1, 12, 101, 108, 113, 228, 229, 276 };
    for (size_t i = 0; i < sizeof lts / sizeof lts[0]; i++) {
      guint32 h;
      s7_prefilter_keep(lts[i], data, (guint)size, ports, 2, &h);
    }
    return 0;
  }
  struct pcap_pkthdr *h;
  const u_char *pkt;
  int lt = pcap_datalink(p);
  for (int n = 0; n < 100000 && pcap_next_ex(p, &h, &pkt) == 1; n++) {
    guint32 hash;
    s7_prefilter_keep(lt, pkt, h->caplen, ports, 2, &hash);
  }
  pcap_close(p);
  return 0;
}
