/* Same-named static helper as store.c: each file sees its own. */
static int hash(const char *key)
{
    return key[0];
}

static int twice(int x);

int util_sum(int a, int b)
{
    return twice(hash("x")) + a + b;
}

static int twice(int x)
{
    return 2 * x;
}
