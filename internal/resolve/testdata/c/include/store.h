/* A tiny key-value store. */
#ifndef STORE_H
#define STORE_H

int store_put(const char *key, int value);
int store_get(const char *key);
void store_dump(void);

#endif
