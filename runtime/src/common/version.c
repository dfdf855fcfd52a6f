/* SPDX-License-Identifier: MIT */
/* Version of the linked library. */
#include "cardc/cardc.h"

const char *cardc_version(void)
{
    return CARDC_VERSION_STRING;
}
