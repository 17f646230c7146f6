// hashmap.c - implementation of hashmap.h.
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

size_t hm_alloc_count = 0;

static const unsigned long FNV_OFFSET = 14695981039346656037UL;
static const char *const hm_status_names[] = {"ok", "nomem", "missing"};
static unsigned long seed = 0, rounds;

/* Forward declaration. */
static int hm_grow(hashmap_t *map);

// FNV-1a over len bytes.
static unsigned long fnv1a(const void *key, size_t len)
{
    const unsigned char *p = key;
    unsigned long h = FNV_OFFSET ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211UL;
    }
    return h;
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n);
    if (p == NULL) {
        abort();
    }
    hm_alloc_count++;
    return p;
}

hashmap_t *hm_new(size_t cap, hm_hash_fn hash)
{
    hashmap_t *map = xmalloc(sizeof(*map));
    map->cap = cap ? cap : HM_DEFAULT_CAP;
    map->hash = hash ? hash : fnv1a;
    map->buckets = xmalloc(map->cap * sizeof(struct hm_entry *));
    return map;
}

hm_status hm_put(hashmap_t *map, const char *key, void *value)
{
    struct hm_entry *e;
    unsigned long h = map->hash(key, strlen(key));

    if (map->len + 1 > map->cap * HM_MAX_LOAD && hm_grow(map) != 0) {
        return HM_ERR_NOMEM;
    }
    e = xmalloc(sizeof(*e));
    e->key = strdup(key);
    e->value = value;
    e->hash = h;
    e->next = map->buckets[HM_INDEX(map, h)];
    map->buckets[HM_INDEX(map, h)] = e;
    map->len++;
    return HM_OK;
}

/* Visits every entry; visit may not modify the map. */
void hm_each(const hashmap_t *map, hm_visit_fn visit, void *ctx)
{
    struct walk_state {
        size_t seen;
    } st = {0};

    for (size_t i = 0; i < map->cap; i++) {
        for (struct hm_entry *e = map->buckets[i]; e; e = e->next) {
            (*visit)(e->key, e->value, ctx);
            st.seen++;
        }
    }
}

static int hm_grow(hashmap_t *map)
{
    size_t cap = map->cap * 2;
    struct hm_entry **nb = realloc(map->buckets, cap * sizeof(*nb));
    if (!nb) {
        return -1;
    }
    memset(nb + map->cap, 0, map->cap * sizeof(*nb));
    map->buckets = nb;
    map->cap = cap;
    return 0;
}
