/* SPDX-License-Identifier: BSD-2-Clause */
/* Architectural constants of the AArch64 VMSA (4 KiB granule) and the system registers
 * kaslboot programs. Field names are the Arm ARM's (DDI 0487, chapter D8 "The AArch64
 * Virtual Memory System Architecture" and the register descriptions in D19/D23).
 * Usable from C and from assembly (.S files define __ASSEMBLY__). */
#ifndef KASLBOOT_MM_ARCH_H
#define KASLBOOT_MM_ARCH_H

#ifdef __ASSEMBLY__
#define MM_U64(x) x
#else
#define MM_U64(x) x##ULL
#endif
#define MM_BIT(n) (MM_U64(1) << (n))

/* ---- Granule and levels (4 KiB granule, D8.2) ---- */
#define MM_PAGE_SHIFT      12
#define MM_PAGE_SIZE       MM_BIT(MM_PAGE_SHIFT)
#define MM_TABLE_BITS      9                        /* 512 8-byte descriptors per 4 KiB table */
#define MM_TABLE_ENTRIES   512
#define MM_LEVEL_SHIFT(l)  (MM_PAGE_SHIFT + MM_TABLE_BITS * (3 - (l))) /* L0 39, L1 30, L2 21, L3 12 */
#define MM_L1_BLOCK_SIZE   MM_BIT(30)               /* 1 GiB block at level 1 */
#define MM_L2_BLOCK_SIZE   MM_BIT(21)               /* 2 MiB block at level 2 */
#define MM_PA_BITS         48                       /* OA size without FEAT_LPA/LPA2 */
#define MM_VA_BITS_3LEVEL  39                       /* walk starts at level 1 */
#define MM_VA_BITS_4LEVEL  48                       /* walk starts at level 0 */

/* ---- Stage 1 VMSAv8-64 descriptors (D8.3) ---- */
#define MM_DESC_VALID        MM_BIT(0)              /* bit[0]: valid */
#define MM_DESC_TYPE_MASK    MM_U64(3)              /* bits[1:0] */
#define MM_DESC_BLOCK        MM_U64(1)              /* 0b01 at levels 1-2: Block */
#define MM_DESC_TABLE        MM_U64(3)              /* 0b11 at levels 0-2: Table */
#define MM_DESC_PAGE         MM_U64(3)              /* 0b11 at level 3: Page (0b01 reserved) */
#define MM_DESC_ATTRINDX_SHIFT 2                    /* AttrIndx[2:0], bits[4:2]: MAIR index */
#define MM_DESC_ATTRINDX_MASK  (MM_U64(7) << MM_DESC_ATTRINDX_SHIFT)
#define MM_DESC_NS           MM_BIT(5)              /* NS: non-secure output (Secure state only) */
#define MM_DESC_AP_SHIFT     6                      /* AP[2:1], bits[7:6] */
#define MM_DESC_AP_MASK      (MM_U64(3) << MM_DESC_AP_SHIFT)
#define MM_DESC_AP_EL0       MM_BIT(6)              /* AP[1]: EL0 access allowed */
#define MM_DESC_AP_RO        MM_BIT(7)              /* AP[2]: read-only */
#define MM_DESC_SH_SHIFT     8                      /* SH[1:0], bits[9:8] */
#define MM_DESC_SH_MASK      (MM_U64(3) << MM_DESC_SH_SHIFT)
#define MM_SH_NON            MM_U64(0)              /* 0b00 Non-shareable */
#define MM_SH_OUTER          MM_U64(2)              /* 0b10 Outer Shareable */
#define MM_SH_INNER          MM_U64(3)              /* 0b11 Inner Shareable */
#define MM_DESC_AF           MM_BIT(10)             /* AF: access flag (0 = Access flag fault) */
#define MM_DESC_NG           MM_BIT(11)             /* nG: not global (ASID-tagged) */
#define MM_DESC_CONT         MM_BIT(52)             /* Contiguous hint */
#define MM_DESC_PXN          MM_BIT(53)             /* PXN: privileged execute-never */
#define MM_DESC_UXN          MM_BIT(54)             /* UXN (XN in single-range regimes) */
#define MM_DESC_OA_MASK      MM_U64(0x0000fffffffff000) /* OA[47:12] of a page/table desc */
#define MM_DESC_RES0_HI_MASK MM_U64(0x000f000000000000) /* bits[51:48]: RES0 without FEAT_LPA2 */
/* Table descriptor hierarchical controls (D8.4.2): they restrict every mapping below. */
#define MM_TABLE_PXNTABLE    MM_BIT(59)             /* PXNTable */
#define MM_TABLE_UXNTABLE    MM_BIT(60)             /* UXNTable / XNTable */
#define MM_TABLE_AP_NOEL0    MM_BIT(61)             /* APTable[0]: no EL0 access below */
#define MM_TABLE_AP_RO       MM_BIT(62)             /* APTable[1]: no writes below */
#define MM_TABLE_NSTABLE     MM_BIT(63)             /* NSTable */
/* The contiguous hint covers 16 adjacent entries with the 4 KiB granule (D8.6.1):
 * 16 x 4 KiB = 64 KiB at level 3, 16 x 2 MiB = 32 MiB at level 2. */
#define MM_CONT_ENTRIES      16

/* ---- MAIR_ELx (D19.2 MAIR_EL1): one Attr<n> byte per AttrIndx ---- */
#define MM_MAIR_DEVICE_nGnRnE MM_U64(0x00)          /* Device-nGnRnE */
#define MM_MAIR_DEVICE_nGnRE  MM_U64(0x04)          /* Device-nGnRE */
#define MM_MAIR_NORMAL_NC     MM_U64(0x44)          /* Normal, Inner/Outer Non-cacheable */
#define MM_MAIR_NORMAL_WT     MM_U64(0xbb)          /* Normal, Inner/Outer WT non-transient, RA */
#define MM_MAIR_NORMAL_WB     MM_U64(0xff)          /* Normal, Inner/Outer WB non-transient, RWA */
/* Index assignment. Indices 0, 1, 3 (and 2, unused by us) are the ones edk2's ArmMmuLib
 * programs, so at EL1 the TTBR1 self test can extend the firmware's live MAIR_EL1 with
 * index 4 instead of changing attributes under the firmware's own TTBR0 mappings. */
#define MM_ATTRIDX_DEVICE_nGnRnE 0
#define MM_ATTRIDX_NORMAL_NC     1
#define MM_ATTRIDX_NORMAL_WT     2
#define MM_ATTRIDX_NORMAL_WB     3
#define MM_ATTRIDX_DEVICE_nGnRE  4
#define MM_MAIR_ATTR(idx, attr)  ((attr) << (8 * (idx)))
#define MM_MAIR_VALUE (MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRnE, MM_MAIR_DEVICE_nGnRnE) | \
		       MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_NC, MM_MAIR_NORMAL_NC) |         \
		       MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_WT, MM_MAIR_NORMAL_WT) |         \
		       MM_MAIR_ATTR(MM_ATTRIDX_NORMAL_WB, MM_MAIR_NORMAL_WB) |         \
		       MM_MAIR_ATTR(MM_ATTRIDX_DEVICE_nGnRE, MM_MAIR_DEVICE_nGnRE))

/* ---- TCR_EL1 (D19.2 TCR_EL1) ---- */
#define MM_TCR_T0SZ_SHIFT   0                       /* T0SZ[5:0]: TTBR0 region = 2^(64-T0SZ) */
#define MM_TCR_T0SZ_MASK    MM_U64(0x3f)
#define MM_TCR_EPD0         MM_BIT(7)               /* EPD0: no walks through TTBR0 */
#define MM_TCR_IRGN0_SHIFT  8                       /* IRGN0[1:0] */
#define MM_TCR_ORGN0_SHIFT  10                      /* ORGN0[1:0] */
#define MM_TCR_SH0_SHIFT    12                      /* SH0[1:0] */
#define MM_TCR_TG0_SHIFT    14                      /* TG0[1:0] */
#define MM_TCR_TG0_4K       MM_U64(0)               /* TG0 = 0b00: 4 KiB */
#define MM_TCR_T1SZ_SHIFT   16                      /* T1SZ[5:0] */
#define MM_TCR_T1SZ_MASK    (MM_U64(0x3f) << 16)
#define MM_TCR_A1           MM_BIT(22)              /* A1: ASID from TTBR1 (we use TTBR0's) */
#define MM_TCR_EPD1         MM_BIT(23)              /* EPD1: no walks through TTBR1 */
#define MM_TCR_IRGN1_SHIFT  24                      /* IRGN1[1:0] */
#define MM_TCR_ORGN1_SHIFT  26                      /* ORGN1[1:0] */
#define MM_TCR_SH1_SHIFT    28                      /* SH1[1:0] */
#define MM_TCR_TG1_SHIFT    30                      /* TG1[1:0] */
#define MM_TCR_TG1_4K       MM_U64(2)               /* TG1 = 0b10: 4 KiB (TG1 encodes differently) */
#define MM_TCR_IPS_SHIFT    32                      /* IPS[2:0]: intermediate PA size */
#define MM_TCR_IPS_MASK     (MM_U64(7) << 32)
#define MM_TCR_RGN_WBWA     MM_U64(1)               /* IRGNn/ORGNn = 0b01: WB RA WA cacheable */
#define MM_TCR_TTBR1_MASK   (MM_TCR_T1SZ_MASK | MM_TCR_A1 | MM_TCR_EPD1 | \
			     (MM_U64(0xff) << MM_TCR_IRGN1_SHIFT)) /* T1SZ,A1,EPD1,IRGN1..TG1 */

/* ---- SCTLR_ELx (D19.2 SCTLR_EL1 / SCTLR_EL2) ---- */
#define MM_SCTLR_M          MM_BIT(0)               /* M: stage 1 MMU enable */
#define MM_SCTLR_A          MM_BIT(1)               /* A: alignment check */
#define MM_SCTLR_C          MM_BIT(2)               /* C: data cacheability */
#define MM_SCTLR_SA         MM_BIT(3)               /* SA: SP alignment check */
#define MM_SCTLR_I          MM_BIT(12)              /* I: instruction cacheability */
#define MM_SCTLR_WXN        MM_BIT(19)              /* WXN: writable implies execute-never */
#define MM_SCTLR_EE         MM_BIT(25)              /* EE: big-endian translation walks/data */
/* SCTLR_EL1 bits that are RES1 in Armv8.0 (bits 29,28,23,22,20,11: LSMAOE, nTLSMD, SPAN,
 * EIS, TSCXT, EOS); later features give them meanings whose value 1 is the legacy one. */
#define MM_SCTLR_EL1_RES1   (MM_BIT(29) | MM_BIT(28) | MM_BIT(23) | MM_BIT(22) | \
			     MM_BIT(20) | MM_BIT(11))
/* The EL1 value the MMU-on handoff installs: MMU, caches, SP alignment, little-endian. */
#define MM_SCTLR_EL1_MMU_ON (MM_SCTLR_EL1_RES1 | MM_SCTLR_M | MM_SCTLR_C | MM_SCTLR_SA | \
			     MM_SCTLR_I)
#define MM_SCTLR_EL1_MMU_OFF MM_SCTLR_EL1_RES1

/* ---- HCR_EL2 (D19.2 HCR_EL2) ---- */
#define MM_HCR_VM           MM_BIT(0)               /* VM: stage 2 translation for EL1&0 */
#define MM_HCR_DC           MM_BIT(12)              /* DC: default cacheability (stage 1 off) */
#define MM_HCR_RW           MM_BIT(31)              /* RW: EL1 is AArch64 */
#define MM_HCR_TGE          MM_BIT(27)              /* TGE: trap general exceptions (host); with
							   * E2H = 0 it also disables EL1&0 stage 1 */
#define MM_HCR_E2H_SHIFT    34
#define MM_HCR_E2H          MM_BIT(MM_HCR_E2H_SHIFT) /* E2H: EL2 host (VHE) */

/* ---- CNTHCTL_EL2 (D19.12): EL1 access to the physical counter/timer ---- */
#define MM_CNTHCTL_EL1PCTEN       MM_BIT(0)         /* E2H=0: EL1PCTEN */
#define MM_CNTHCTL_EL1PCEN        MM_BIT(1)         /* E2H=0: EL1PCEN */
#define MM_CNTHCTL_E2H_EL1PCTEN   MM_BIT(10)        /* E2H=1: EL1PCTEN */
#define MM_CNTHCTL_E2H_EL1PCEN    MM_BIT(11)        /* E2H=1: EL1PCEN */

/* ---- SPSR_ELx (C5.2.18) ---- */
#define MM_SPSR_MODE_EL1H   MM_U64(0x5)             /* M[3:0] = 0b0101: EL1 using SP_EL1 */
#define MM_SPSR_DAIF        (MM_U64(0xf) << 6)      /* D, A, I, F masks, bits[9:6] */
#define MM_SPSR_EL1H_MASKED (MM_SPSR_MODE_EL1H | MM_SPSR_DAIF)

/* ---- CurrentEL (C5.2.1) ---- */
#define MM_CURRENTEL_SHIFT  2                       /* EL, bits[3:2] */

/* ---- CTR_EL0 (D19.2 CTR_EL0) ---- */
#define MM_CTR_DMINLINE_SHIFT 16                    /* DminLine[19:16]: log2(words) */
#define MM_CTR_DMINLINE_MASK  MM_U64(0xf)
#define MM_CTR_IMINLINE_MASK  MM_U64(0xf)           /* IminLine[3:0] */

/* ---- ID_AA64MMFR0_EL1 (D19.2): PARange[3:0] ---- */
#define MM_MMFR0_PARANGE_MASK MM_U64(0xf)
#define MM_PARANGE_32  0                            /* 0b0000: 32 bits, 4 GiB */
#define MM_PARANGE_36  1
#define MM_PARANGE_40  2
#define MM_PARANGE_42  3
#define MM_PARANGE_44  4
#define MM_PARANGE_48  5                            /* 0b0101: 48 bits, 256 TiB */
#define MM_PARANGE_52  6                            /* 0b0110: 52 bits (needs LPA) */

/* ---- PAR_EL1 after AT (D19.2 PAR_EL1) ---- */
#define MM_PAR_F            MM_BIT(0)               /* F: the translation aborted */
#define MM_PAR_FST_SHIFT    1                       /* FST[5:0] (F=1): fault status code */
#define MM_PAR_FST_MASK     MM_U64(0x3f)
#define MM_PAR_SH_SHIFT     7                       /* SH[1:0] (F=0) */
#define MM_PAR_PA_MASK      MM_U64(0x0000fffffffff000) /* PA[47:12] (F=0) */
#define MM_PAR_ATTR_SHIFT   56                      /* ATTR[7:0] (F=0): MAIR encoding */
#define MM_FSC_TRANSLATION(l) (0x04 + (l))         /* DFSC 0b0001LL: translation fault, level l */
#define MM_FSC_PERMISSION(l)  (0x0c + (l))         /* DFSC 0b0011LL: permission fault, level l */

#endif
