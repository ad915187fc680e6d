/* SPDX-License-Identifier: BSD-2-Clause */
/* FEAT_RNG: the RNDR random-number register (Arm ARM D23.2.146 RNDR, D19.2.61
 * ID_AA64ISAR0_EL1.RNDR). Read in lib/cpu_arm64.c; host builds have none. */
#ifndef KASLBOOT_LIB_RNDR_H
#define KASLBOOT_LIB_RNDR_H

#include <stdbool.h>
#include <stdint.h>

bool cpu_has_rndr(void);               /* ID_AA64ISAR0_EL1.RNDR != 0 */
bool cpu_rndr(uint64_t *out);          /* one RNDR read; false if the hardware failed it */

#endif
