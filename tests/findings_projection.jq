# SPDX-License-Identifier: GPL-2.0-or-later
# The part of a report a scenario's expected result pins down: one line per finding.
.captures[0].findings[] | [.kind, .severity, (.frames | map(tostring) | join(",")), .plc, (.client // "-"), (.code // "-"), (.detail // "-")] | join("\t")
