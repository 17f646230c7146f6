package resolve

import (
	"strings"
	"sync"
)

// Names of the C and C++ standard libraries that calls bind to as external
// symbols when no repository definition of the name is visible.

// libcHeader maps C library functions (ISO C and common POSIX) to the
// header that declares them.
var libcHeader = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	add := func(header, names string) {
		for _, n := range strings.Fields(names) {
			m[n] = header
		}
	}
	add("stdio.h", `printf fprintf sprintf snprintf vprintf vfprintf vsprintf vsnprintf scanf fscanf sscanf vscanf vsscanf vfscanf
		fopen freopen fclose fflush fread fwrite fgetc getc getchar fgets fputc putc putchar fputs puts ungetc
		fseek ftell rewind fgetpos fsetpos feof ferror clearerr perror remove rename tmpfile tmpnam setvbuf setbuf
		fileno fdopen popen pclose getline getdelim dprintf asprintf vasprintf open_memstream fmemopen fseeko ftello`)
	add("stdlib.h", `malloc calloc realloc free aligned_alloc abort exit _Exit atexit at_quick_exit quick_exit getenv setenv unsetenv
		system atoi atol atoll atof strtol strtoll strtoul strtoull strtod strtof strtold abs labs llabs div ldiv lldiv
		rand srand qsort bsearch mblen mbtowc wctomb mbstowcs wcstombs posix_memalign realpath mkstemp mkdtemp putenv random srandom`)
	add("string.h", `memcpy memmove memset memcmp memchr memrchr strcpy strncpy strcat strncat strcmp strncmp strcoll strxfrm
		strchr strrchr strstr strspn strcspn strpbrk strtok strtok_r strlen strnlen strerror strerror_r strdup strndup
		strcasecmp strncasecmp strsep stpcpy stpncpy strlcpy strlcat memmem`)
	add("ctype.h", `isalnum isalpha isblank iscntrl isdigit isgraph islower isprint ispunct isspace isupper isxdigit tolower toupper isascii`)
	add("math.h", `fabs fabsf fmod fmodf exp expf log logf log10 log2 pow powf sqrt sqrtf cbrt sin cos tan asin acos atan atan2
		sinf cosf tanf atan2f sinh cosh tanh ceil ceilf floor floorf round roundf lround trunc truncf fmin fmax fminf fmaxf
		hypot frexp ldexp modf isnan isinf isfinite signbit copysign nan`)
	add("time.h", `time clock difftime mktime strftime gmtime localtime gmtime_r localtime_r asctime ctime nanosleep clock_gettime timegm`)
	add("assert.h", `assert`)
	add("signal.h", `signal raise kill sigaction sigemptyset sigaddset sigprocmask`)
	add("setjmp.h", `setjmp longjmp`)
	add("stdarg.h", `va_start va_end va_arg va_copy`)
	add("errno.h", `__errno_location`)
	add("wchar.h", `wcslen wcscpy wcsncpy wcscmp wcsncmp wcschr wcsrchr wcsstr wprintf fwprintf swprintf mbrtowc wcrtomb mbsrtowcs wcsrtombs btowc wctob mbsinit`)
	add("unistd.h", `read write close lseek pipe dup dup2 fork execv execvp execve getpid getppid sleep usleep unlink rmdir
		chdir getcwd access isatty sysconf fsync ftruncate readlink symlink geteuid getuid _exit`)
	add("fcntl.h", `open fcntl creat openat`)
	add("sys/time.h", `gettimeofday settimeofday`)
	add("sys/socket.h", `socket bind listen accept connect send recv sendto recvfrom setsockopt getsockopt shutdown`)
	add("poll.h", `poll`)
	add("sys/stat.h", `stat fstat lstat mkdir chmod umask`)
	add("sys/mman.h", `mmap munmap mprotect`)
	add("dirent.h", `opendir readdir closedir`)
	add("dlfcn.h", `dlopen dlsym dlclose dlerror`)
	add("pthread.h", `pthread_create pthread_join pthread_detach pthread_self pthread_mutex_init pthread_mutex_lock
		pthread_mutex_unlock pthread_mutex_destroy pthread_cond_init pthread_cond_wait pthread_cond_signal
		pthread_cond_broadcast pthread_cond_destroy pthread_once pthread_key_create pthread_getspecific pthread_setspecific`)
	return m
})

// libcHeaders are the headers of libcHeader (and the rest of ISO C).
var libcHeaders = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, h := range libcHeader() {
		m[h] = true
	}
	for _, h := range strings.Fields(`stddef.h stdint.h stdbool.h limits.h float.h inttypes.h locale.h iso646.h stdalign.h
		stdatomic.h stdnoreturn.h threads.h uchar.h wctype.h complex.h tgmath.h fenv.h`) {
		m[h] = true
	}
	return m
})

// stdFuncs are std:: free functions called unqualified under
// `using namespace std`.
var stdFuncs = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`make_unique make_shared move forward swap exchange min max minmax clamp sort stable_sort
		find find_if count count_if for_each transform copy copy_if fill accumulate any_of all_of none_of remove remove_if
		unique reverse lower_bound upper_bound binary_search equal_range to_string stoi stol stoul stod getline begin end
		size distance advance next prev make_pair make_tuple tie get ref cref bind invoke visit holds_alternative`) {
		m[n] = true
	}
	return m
})

// stdAlways are std:: names extraction records without their qualifier
// (std::make_unique<T>(...) calls make_unique), bound to std whenever the
// repository does not define them.
var stdAlways = map[string]bool{"make_unique": true, "make_shared": true, "move": true, "forward": true}
