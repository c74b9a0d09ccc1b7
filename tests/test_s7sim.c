/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_s7sim.c — s7sim's protocol without sockets: the faults it injects, and that arbitrary
 * bytes never crash it (they are answered or the connection is closed). */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "s7sim_proto.h"

static S7SimConfig cfg;
static guint live;
static guint64 answers;

static S7SimSession session(void)
{
  return (S7SimSession){ &cfg, &live, FALSE, 240, 0x44, &answers };
}

static void setup_cfg(void)
{
  s7sim_config_clear(&cfg);
  s7sim_config_init(&cfg);
  live = 0;
  answers = 0;
  char *why = NULL;
  g_assert_true(s7sim_config_set(&cfg, "db", "1:100", &why));
  g_assert_true(s7sim_config_set(&cfg, "db", "5:100:optimized", &why));
  g_assert_true(s7sim_config_set(&cfg, "db", "7:10:read-only", &why));
}

/* TPKT + COTP CR asking for rack/slot */
static GByteArray *cr(guint rack, guint slot)
{
  static const guint8 tmpl[22] = { 3, 0, 0, 22, 17, 0xE0, 0, 0, 0, 1, 0, 0xC0, 1, 0x0A,
                                   0xC1, 2, 1, 0, 0xC2, 2, 1, 0 };
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, tmpl, sizeof tmpl);
  b->data[21] = (guint8)(rack << 5 | slot);
  return b;
}

/* TPKT + COTP DT + S7 job: Read Var of one S7ANY item, or Write Var with one byte */
static GByteArray *var_job(guint8 func, guint16 db, guint8 area, guint16 start, guint16 count)
{
  guint8 pdu[64] = { 0x32, 1, 0, 0, 0, 7, 0, 14, 0, 0, func, 1,
                     0x12, 0x0A, 0x10, 0x02, count >> 8, count & 0xff, db >> 8, db & 0xff, area,
                     0, (start << 3) >> 8, (start << 3) & 0xff };
  guint len = 24;
  if (func == 0x05) {
    static const guint8 data[5] = { 0, 0x04, 0, 8, 0x5A };
    memcpy(pdu + len, data, sizeof data);
    len += sizeof data;
    pdu[9] = 5;
  }
  GByteArray *b = g_byte_array_new();
  guint8 hdr[7] = { 3, 0, 0, (guint8)(7 + len), 2, 0xF0, 0x80 };
  g_byte_array_append(b, hdr, 7);
  g_byte_array_append(b, pdu, len);
  return b;
}

static S7SimAction send_tpkt(S7SimSession *s, GByteArray *in, GByteArray *out)
{
  g_autoptr(GString) log = g_string_new(NULL);
  g_byte_array_set_size(out, 0);
  S7SimAction a = s7sim_handle(s, in->data, in->len, out, log);
  g_byte_array_unref(in);
  return a;
}

static void test_connect_checks_tsap_and_limit(void)
{
  setup_cfg();
  cfg.max_connections = 1;
  g_autoptr(GByteArray) out = g_byte_array_new();
  S7SimSession a = session(), b = session(), c = session();
  g_assert_cmpint(send_tpkt(&a, cr(0, 2), out), ==, S7SIM_RESET);    /* wrong slot: RST */
  g_assert_cmpint(send_tpkt(&b, cr(0, 1), out), ==, S7SIM_REPLY);
  g_assert_cmpuint(out->data[5], ==, 0xD0);                          /* CC */
  g_assert_cmpint(send_tpkt(&c, cr(0, 1), out), ==, S7SIM_RESET);    /* limit reached */
  s7sim_session_end(&b);
  g_assert_cmpint(send_tpkt(&c, cr(0, 1), out), ==, S7SIM_REPLY);    /* slot free again */
}

static guint8 item_rc(GByteArray *out) { return out->len > 21 ? out->data[21] : 0; }
static guint16 header_error(GByteArray *out) { return (guint16)(out->data[17] << 8 | out->data[18]); }

static void test_faults(void)
{
  setup_cfg();
  g_autoptr(GByteArray) out = g_byte_array_new();
  S7SimSession s = session();
  g_assert_cmpint(send_tpkt(&s, cr(0, 1), out), ==, S7SIM_REPLY);
  g_assert_cmpint(send_tpkt(&s, var_job(0x04, 1, 0x84, 0, 4), out), ==, S7SIM_REPLY);
  g_assert_cmpuint(item_rc(out), ==, 0xFF);
  send_tpkt(&s, var_job(0x04, 5, 0x84, 0, 2), out);
  g_assert_cmpuint(item_rc(out), ==, 0x05);                 /* optimized */
  send_tpkt(&s, var_job(0x04, 9, 0x84, 0, 2), out);
  g_assert_cmpuint(item_rc(out), ==, 0x0A);                 /* missing */
  send_tpkt(&s, var_job(0x04, 1, 0x84, 98, 4), out);
  g_assert_cmpuint(item_rc(out), ==, 0x05);                 /* past the end */
  send_tpkt(&s, var_job(0x05, 7, 0x84, 0, 1), out);
  g_assert_cmpuint(item_rc(out), ==, 0x03);                 /* read-only */
  send_tpkt(&s, var_job(0x04, 1, 0x84, 0, 300), out);
  g_assert_cmpuint(header_error(out), ==, 0x8500);          /* answer beyond the PDU */
  cfg.putget = FALSE;
  send_tpkt(&s, var_job(0x04, 1, 0x84, 0, 4), out);
  g_assert_cmpuint(out->data[8], ==, 2);                    /* Ack */
  g_assert_cmpuint(header_error(out), ==, 0x8104);
  cfg.drop_every = 1;
  g_assert_cmpint(send_tpkt(&s, var_job(0x04, 1, 0x84, 0, 4), out), ==, S7SIM_SILENT);
  g_assert_cmpuint(out->len, ==, 0);
}

static void test_garbage_never_crashes(void)
{
  setup_cfg();
  GRand *r = g_rand_new_with_seed(7);
  g_autoptr(GByteArray) out = g_byte_array_new();
  for (guint i = 0; i < 200000; i++) {
    S7SimSession s = session();
    s.iso_connected = g_rand_boolean(r);
    guint len = (guint)g_rand_int_range(r, 0, 80);
    guint8 buf[80];
    for (guint k = 0; k < len; k++)
      buf[k] = (guint8)g_rand_int(r);
    if (len >= 4 && g_rand_boolean(r)) {    /* a plausible TPKT header around random bytes */
      buf[0] = 3;
      buf[2] = 0;
      buf[3] = (guint8)len;
      if (len > 6 && g_rand_boolean(r)) { buf[4] = 2; buf[5] = 0xF0; buf[7] = 0x32; }
    }
    g_autoptr(GString) log = g_string_new(NULL);
    g_byte_array_set_size(out, 0);
    if (s7sim_tpkt_length(buf, len) == (gssize)len && len >= 7)
      s7sim_handle(&s, buf, len, out, log);
    g_assert_cmpuint(out->len, <, 9000);
    s7sim_session_end(&s);
  }
  g_rand_free(r);
}

static void test_config(void)
{
  setup_cfg();
  g_assert_cmpuint(cfg.idle_timeout_s, ==, 60);   /* idle clients do not hold connections for ever */
  char *why = NULL;
  g_assert_false(s7sim_config_set(&cfg, "db", "5:x", &why));
  g_assert_nonnull(strstr(why, "NUMBER:SIZE"));
  g_free(why);
  why = NULL;
  g_assert_false(s7sim_config_set(&cfg, "colour", "red", &why));
  g_free(why);
  why = NULL;
  g_assert_true(s7sim_config_set(&cfg, "putget", "off", &why));
  g_assert_false(cfg.putget);

  /* the config file: the option names as "key = value" lines, comments allowed */
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("s7sim-XXXXXX.conf", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(path, "# lab CPU\nslot = 2\nmax-connections = 3\ndb = 12:40:missing\n", -1, NULL));
  g_assert_true(s7sim_config_load(&cfg, path, &why));
  g_assert_cmpuint(cfg.slot, ==, 2);
  g_assert_cmpuint(cfg.max_connections, ==, 3);
  g_assert_true(s7sim_config_db(&cfg, 12)->flags & DB_MISSING);
  g_assert_true(g_file_set_contents(path, "slot 2\n", -1, NULL));
  g_assert_false(s7sim_config_load(&cfg, path, &why));
  g_assert_nonnull(strstr(why, ":1: want key = value"));
  g_free(why);
  g_unlink(path);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  s7sim_config_init(&cfg);
  g_test_add_func("/s7sim/connect", test_connect_checks_tsap_and_limit);
  g_test_add_func("/s7sim/faults", test_faults);
  g_test_add_func("/s7sim/garbage", test_garbage_never_crashes);
  g_test_add_func("/s7sim/config", test_config);
  int rc = g_test_run();
  s7sim_config_clear(&cfg);
  return rc;
}
