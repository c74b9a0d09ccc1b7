/* SPDX-License-Identifier: GPL-2.0-or-later */
/* children.c — child processes that end with s7diag (see children.h). */
#include "children.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

typedef struct {
  pid_t parent;
  gboolean own_group;
} Setup;

/* In the child, between fork and exec: async-signal-safe calls only */
static void child_setup(gpointer data)
{
  const Setup *s = data;
  if (s->own_group)
    setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != s->parent)   /* s7diag died before the signal was set */
    _exit(1);
}

GSubprocessLauncher *s7_launcher_new(GSubprocessFlags flags, gboolean own_group)
{
  GSubprocessLauncher *l = g_subprocess_launcher_new(flags);
  Setup *s = g_new(Setup, 1);
  s->parent = getpid();
  s->own_group = own_group;
  g_subprocess_launcher_set_child_setup(l, child_setup, s, g_free);
  return l;
}
