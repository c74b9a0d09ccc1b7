/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_prefilter.c — a whole capture file through libwiretap (capture_reader.c) and the
 * prefilter, each kept packet also written to a pcapng stream: every link type, truncated and
 * mangled packets; and the raw bytes as one packet of every link layer the prefilter reads. */
#define _GNU_SOURCE   /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>

#include "capture_reader.h"
#include "prefilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const guint16 ports[2] = { 102, 1102 };
  for (S7Link l = S7_LINK_OTHER; l <= S7_LINK_SLL2; l++) {
    guint32 h;
    s7_prefilter_keep(l, data, (guint)size, ports, 2, &h);
  }
  int fd = memfd_create("fuzz-capture", 0);
  if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
    if (fd >= 0)
      close(fd);
    return 0;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  S7CaptureReader *r = s7_capture_reader_open(path, NULL);
  if (r) {
    int devnull = open("/dev/null", O_WRONLY);
    S7CaptureWriter *w = devnull >= 0 ? s7_capture_writer_open(r, devnull, NULL) : NULL;
    S7Record rec;
    for (int n = 0; n < 100000 && s7_capture_reader_next(r, &rec); n++) {
      guint32 hash;
      if (rec.is_packet && s7_prefilter_keep(rec.link, rec.data, rec.caplen, ports, 2, &hash) && w)
        s7_capture_writer_write(w, r);
    }
    s7_capture_writer_close(w);
    s7_capture_reader_close(r);
  }
  close(fd);
  return 0;
}
