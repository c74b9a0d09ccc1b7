/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_explain.c — `s7diag explain CODE|KIND`: what a code or a fault kind means, offline,
 * from the one code table (core/s7_codes.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "code_lookup.h"
#include "s7_codes.h"

static void explain_kind(const S7KindInfo *k)
{
  printf("Fault kind %s (%s, %s)\n  %s\n\nCause:\n  %s\n\nFix:\n  %s\n", k->id,
         s7_severity_name(k->severity), k->tag, k->title, k->cause, k->action);
  if (k->client_says && *k->client_says)
    printf("\nClient libraries report:\n  %s\n", k->client_says);
}

/* every code and kind, one per line (for completion and tests) */
static void list_all(void)
{
  for (int k = 0; k < S7K_COUNT; k++)
    printf("%s\n", s7_kind_info((S7Kind)k)->id);
  gsize n;
  const S7CodeText *t = s7_error_table(&n);
  for (gsize i = 0; i < n; i++)
    printf("0x%04X\n", t[i].code);
  t = s7_item_return_table(&n);
  for (gsize i = 0; i < n; i++)
    printf("0x%02X\n", t[i].code);
}

int s7_cmd_explain(int argc, char **argv)
{
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    const S7Command *c = s7_command("explain");
    printf("Usage: s7diag explain %s - %s\n\n%s\n", c->args, c->summary, c->description);
    return EXIT_CLEAN;
  }
  if (argc == 2 && !strcmp(argv[1], "--list")) {
    list_all();
    return EXIT_CLEAN;
  }
  if (argc != 2)
    s7_die_usage("explain: give one code or fault kind (e.g. 0x8104, 0x05, 'DR 0x81', putget-denied)");
  const char *what = argv[1];
  S7Kind kind;
  if (s7_kind_from_id(what, &kind)) {
    explain_kind(s7_kind_info(kind));
    return EXIT_CLEAN;
  }
  S7CodeInfo info;
  if (!s7_code_lookup(what, &info)) {
    fprintf(stderr, "s7diag: explain: '%s' is neither an S7 code nor a fault kind "
                    "(s7diag explain --list shows them all)\n", what);
    return EXIT_USAGE;
  }
  printf("%s: %s\n  %s\n", info.canonical, info.category_name,
         info.meaning ? info.meaning : "not in Siemens' published list of codes");
  if (info.category == S7_CODE_ITEM) {
    const char *cs = s7_item_return_client_says((guint8)info.value);
    if (cs)
      printf("  Client libraries report: %s\n", cs);
    S7CodeInfo dr;
    g_autofree char *as_dr = g_strdup_printf("DR 0x%02X", (guint)info.value);
    if (s7_code_lookup(as_dr, &dr) && dr.meaning)
      printf("  (As a COTP disconnect reason, %s: %s.)\n", as_dr, dr.meaning);
  }
  if (info.harmless)
    printf("  A harmless answer to a probe (reported as a note).\n");
  if (info.has_kind) {
    printf("\n");
    explain_kind(s7_kind_info(info.kind));
  }
  return info.meaning ? EXIT_CLEAN : EXIT_FINDINGS;
}
