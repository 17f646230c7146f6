#include "store.h"

#include <stdlib.h>

int main(void)
{
    store_put("a", 1);
    store_get("a");
    store_dump();
    hash("z");
    util_sum(1, 2);
    free(malloc(4));
    frobnicate();
    return 0;
}
