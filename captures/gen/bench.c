/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bench.c — s7benchgen: large deterministic captures for the benchmark (bench/run).
 *
 *   s7benchgen OUT.pcap PACKETS S7_PERCENT [SESSIONS]
 *
 * Background traffic (HTTPS-like TCP between office hosts) mixed with S7 traffic of four
 * HMIs/SCADA clients to three PLCs, S7_PERCENT of the packets. Faults are spread through the
 * capture: one PLC refuses PUT/GET (0x8104), reads of an optimized DB (0x05), and now and then
 * an ISO connect refused by RST. With SESSIONS, the S7 traffic is that many sessions (clients
 * 10.20.2.10 and up, over the three PLCs) and nothing else: no refused connects, so 1 is one
 * connection. Same arguments, same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_writer.h"
#include "s7_frames.h"

#define N_S7 4
#define MAX_S7 1024
#define N_BG 16

typedef struct {
  TcpConn c;
  uint16_t ref;
  int plc;              /* 0 healthy, 1 optimized-DB reads now and then, 2 PUT/GET off */
  uint64_t exchanges;
} S7Session;

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void open_s7(S7Session *s)
{
  tcp_handshake(&s->c);
  send_cotp_cr(&s->c, 0x0100, 0x0301);
  send_cotp_cc(&s->c, 0x0100, 0x0301);
  send_setup(&s->c, 1, 0xff00, 1, 480);
  send_setup(&s->c, 0, 0xff00, 1, 240);
  s->ref = 1;
}

/* One job and its answer: 2 packets */
static void s7_exchange(S7Session *s)
{
  uint16_t ref = s->ref++;
  s->exchanges++;
  if (s->plc == 2) {                                   /* PUT/GET off */
    Item it = DBW(1, (uint32_t)(s->exchanges % 50) * 2);
    send_read_job(&s->c, ref, &it, 1);
    send_ack_error(&s->c, ref, 0x81, 0x04);
    return;
  }
  int optimized = s->plc == 1 && s->exchanges % 200 == 0;
  Item it = optimized ? DBW(5, 0) : DBB(1, (uint32_t)(s->exchanges % 64) * 4, 4);
  uint8_t rc = optimized ? 0x05 : 0xff;
  send_read_job(&s->c, ref, &it, 1);
  send_read_resp(&s->c, ref, &it, &rc, 1);
}

/* A client whose ISO connect the PLC resets: SYN, SYN/ACK, ACK, CR, RST = 5 packets */
static void refused_connect(PcapOut *o, uint32_t cli, uint16_t port, uint32_t plc)
{
  TcpConn c;
  tcp_init(&c, o, cli, port, plc, 102);
  tcp_handshake(&c);
  send_cotp_cr(&c, 0x0100, 0x0302);
  tcp_segment(&c, 0, F_RST | F_ACK, NULL, 0);
}

int main(int argc, char **argv)
{
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: s7benchgen OUT.pcap PACKETS S7_PERCENT [SESSIONS]\n");
    return 2;
  }
  uint64_t total = strtoull(argv[2], NULL, 10);
  double share = atof(argv[3]) / 100.0;
  int sessions_given = argc == 5, n_s7 = sessions_given ? atoi(argv[4]) : N_S7;
  if (total < 100 || share <= 0 || share > 1 || n_s7 < 1 || n_s7 > MAX_S7) {
    fprintf(stderr, "s7benchgen: PACKETS >= 100, 0 < S7_PERCENT <= 100, 1 <= SESSIONS <= %d\n", MAX_S7);
    return 2;
  }
  PcapOut o;
  if (pcap_open(&o, argv[1], 1709280000000000ull) != 0) {
    fprintf(stderr, "s7benchgen: cannot write %s\n", argv[1]);
    return 2;
  }
  uint32_t plcs[3] = { ip4(10, 20, 1, 5), ip4(10, 20, 1, 6), ip4(10, 20, 1, 7) };
  static S7Session s7[MAX_S7];
  for (int i = 0; i < n_s7; i++) {
    memset(&s7[i], 0, sizeof s7[i]);
    s7[i].plc = i % 3;
    tcp_init(&s7[i].c, &o, ip4(10, 20, 2 + i / 200, 10 + i % 200), (uint16_t)(40000 + i), plcs[s7[i].plc], 102);
    open_s7(&s7[i]);
  }
  TcpConn bg[N_BG];
  for (int i = 0; i < N_BG; i++) {
    tcp_init(&bg[i], &o, ip4(192, 168, 7, 10 + i), (uint16_t)(50000 + i), ip4(172, 16, 0, 1 + i % 4), 443);
    tcp_handshake(&bg[i]);
  }
  uint8_t payload[1200];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 31);
  uint64_t s7_packets = 0, refused = 0;
  uint16_t next_port = 45000;
  while (o.frames < total) {
    pcap_advance(&o, 50 + next_rand() % 100);
    if ((double)s7_packets < share * (double)o.frames) {
      S7Session *s = &s7[next_rand() % (uint32_t)n_s7];
      uint32_t before = o.frames;
      if (!sessions_given && s7_packets / 20000 > refused) {              /* a refused ISO connect now and then */
        refused++;
        refused_connect(&o, ip4(10, 20, 3, 50), next_port++, plcs[0]);
      } else {
        s7_exchange(s);
      }
      s7_packets += o.frames - before;
    } else {
      TcpConn *b = &bg[next_rand() % N_BG];
      int from_client = next_rand() & 1;
      size_t len = 60 + next_rand() % 600;
      tcp_segment(b, from_client, F_PSH | F_ACK, payload, len);
    }
  }
  pcap_close(&o);
  fprintf(stderr, "s7benchgen: %s: %u packets, %llu S7 (%.1f %%), %llu refused connects\n", argv[1],
          o.frames, (unsigned long long)s7_packets, 100.0 * (double)s7_packets / o.frames,
          (unsigned long long)refused);
  return 0;
}
