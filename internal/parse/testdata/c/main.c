/* main.c - a tiny key-value shell over hashmap.h. */
#include <stdio.h>
#include <stdlib.h>
#include "hashmap.h"
#include "commands/cmd.h"

/** A shell command. */
struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static int cmd_get(int argc, char **argv);
static int cmd_put(int argc, char **argv);

static const struct command commands[] = {
    {"get", cmd_get},
    {"put", cmd_put},
};

static hashmap_t *store;

enum verbosity { QUIET, NORMAL = 1, LOUD };

/* Runtime configuration. */
static struct {
    enum verbosity level;
    FILE *out;
} config = {NORMAL, NULL};

struct stats {
    int calls;
} global_stats = {0};

/* Called before exit. */
void (*on_exit_hook)(void) = NULL;

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* Prints msg and exits. */
__attribute__((noreturn)) static void die(const char *msg)
{
    fputs(msg, stderr);
    exit(2);
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < countof(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

/* Returns the handler of the named command, or NULL. */
int (*lookup(const char *name))(int, char **)
{
    for (size_t i = 0; i < countof(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return commands[i].run;
        }
    }
    return NULL;
}

static int cmd_get(int argc, char **argv)
{
    void *v = hm_get(store, argv[0]);
    fprintf(config.out, "%s\n", v ? (const char *)v : "(nil)");
    return v ? 0 : 1;
}

static int cmd_put(int argc, char **argv)
{
    return hm_put(store, argv[0], argv[1]) == HM_OK ? 0 : 1;
}

int main(int argc, char *argv[])
{
    int (*run)(int, char **);

    config.out = stdout;
    store = hm_new(0, NULL);
    if (argc < 2 || (run = lookup(argv[1])) == NULL) {
        die("usage: kv get|put KEY [VALUE]\n");
    }
    global_stats.calls++;
    if (on_exit_hook) {
        atexit(on_exit_hook);
    }
    if (argc > 4) {
        return find(argv[1])->run(argc - 2, argv + 2);
    }
    return run(argc - 2, argv + 2);
}
