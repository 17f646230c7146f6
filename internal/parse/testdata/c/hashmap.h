/*
 * hashmap.h - a small chained hash map keyed by strings.
 */
#ifndef HASHMAP_H
#define HASHMAP_H

#include <stddef.h>
#include <stdbool.h>
#include "util/alloc.h"

/* Default number of buckets. */
#define HM_DEFAULT_CAP 16
#define HM_MAX_LOAD 0.75

/** Bucket index of hash h in map. */
#define HM_INDEX(map, h) ((h) & ((map)->cap - 1))

/** Hash function over a key of len bytes. */
typedef unsigned long (*hm_hash_fn)(const void *key, size_t len);

/** Result codes. */
typedef enum {
    HM_OK = 0,
    HM_ERR_NOMEM, /* allocation failed */
    HM_ERR_MISSING,
} hm_status;

/* One slot of the table. */
struct hm_entry {
    const char *key;
    void *value;
    unsigned long hash;
    struct hm_entry *next;
};

/**
 * The map itself; treat as opaque.
 */
typedef struct hashmap {
    struct hm_entry **buckets;
    size_t cap, len;
    hm_hash_fn hash;
    union {
        void *ptr;
        long tag;
    } user;
    struct {
        unsigned resizing : 1;
        unsigned frozen : 1;
    } flags;
} hashmap_t;

typedef struct hm_iter hm_iter;
typedef void (*hm_visit_fn)(const char *key, void *value, void *ctx);
typedef unsigned long hm_size;

/** Global allocation counter, for tests. */
extern size_t hm_alloc_count;

/** Creates a map with cap buckets (0 for the default). */
hashmap_t *hm_new(size_t cap, hm_hash_fn hash);

/** Frees the map; values are not freed. */
void hm_free(hashmap_t *map);

hm_status hm_put(hashmap_t *map, const char *key, void *value);
void *hm_get(const hashmap_t *map, const char *key);
bool hm_remove(hashmap_t *map, const char *key);
void hm_each(const hashmap_t *map, hm_visit_fn visit, void *ctx);
char **hm_keys(const hashmap_t *map, size_t *n);

/** Number of entries. */
static inline size_t hm_len(const hashmap_t *map) { return map->len; }

#endif /* HASHMAP_H */
