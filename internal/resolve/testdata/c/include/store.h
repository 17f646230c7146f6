/* A tiny key-value store. */
#ifndef STORE_H
#define STORE_H

int store_put(const char *key, int value);
int store_get(const char *key);
void store_dump(void);

typedef struct entry {
    const char *key;
    int value;
} entry;

int entry_value(const entry *e);

#endif
