/* Where the password comes from: HVSNAP_PASSWORD, --password-file, or a
 * prompt without echo on the terminal. Never from an option value, so it
 * cannot leak through argv. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "platform/platform.h"

#define MAX_PASSWORD 1024

void cli_wipe_password(char *password)
{
	if (password) {
		OPENSSL_cleanse(password, strlen(password));
		free(password);
	}
}

static void set_error(hvsnap_error *err, const char *fmt, const char *arg)
{
	hvsnap_error_clear(err);
	err->kind = HVSNAP_ERR_USAGE;
	snprintf(err->message, sizeof(err->message), "%s%s", fmt, arg ? arg : "");
}

/* Strips one trailing "\n" or "\r\n", as editors and echo add them. */
static void chomp(char *s, size_t *len)
{
	if (*len && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len && s[*len - 1] == '\r')
		s[--*len] = '\0';
}

/* A password file others may read is worth a warning, not a refusal: the
 * user may have reasons (a group of operators), but should know. */
static void warn_if_readable_by_others(FILE *f, const char *path)
{
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		cli_progress_clear();
		fprintf(stderr, "hvsnap: warning: the password file %s can be read by %s "
		        "(mode %03o); chmod 600 it\n", cli_safe(path),
		        st.st_mode & S_IRWXO ? "every user" : "its group",
		        (unsigned)(st.st_mode & 0777));
	}
}

/* path "-" is stdin, so a secret store can pipe it in
 * (pass show hv | hvsnap --password-file - ...). */
static char *read_password_file(const char *path, hvsnap_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	if (!f) {
		set_error(err, "cannot read the password file ", path);
		snprintf(err->detail, sizeof(err->detail), "%s", strerror(errno));
		return NULL;
	}
	if (!is_stdin)
		warn_if_readable_by_others(f, path);
	const char *name = is_stdin ? "(standard input)" : path;
	char *pw = calloc(1, MAX_PASSWORD + 2);
	if (!pw) {
		if (!is_stdin)
			fclose(f);
		set_error(err, "out of memory", NULL);
		return NULL;
	}
	size_t len = fread(pw, 1, MAX_PASSWORD + 1, f);
	int read_error = ferror(f);
	int is_dir = read_error && errno == EISDIR;
	if (!is_stdin)
		fclose(f);
	if (read_error || len > MAX_PASSWORD) {
		cli_wipe_password(pw);
		set_error(err, is_dir ? "the password file is a directory: " :
		          read_error ? "cannot read the password file " :
		          "the password file is too large: ", name);
		return NULL;
	}
	if (len == 0) {
		/* Zero bytes is a mistake far more often than a blank password,
		 * which is written as one empty line. */
		cli_wipe_password(pw);
		set_error(err, "the password file is empty (a blank password is one empty "
		          "line): ", name);
		return NULL;
	}
	pw[len] = '\0';
	chomp(pw, &len);
	if (memchr(pw, '\0', len) || memchr(pw, '\n', len)) {
		cli_wipe_password(pw);
		set_error(err, "the password file must hold one line: ", name);
		return NULL;
	}
	return pw;
}

static char *prompt_password(const cli_options *o, hvsnap_error *err)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fd < 0 || !isatty(fd)) {
		if (fd >= 0)
			close(fd);
		set_error(err, "no password given: set HVSNAP_PASSWORD or use --password-file "
		          "(there is no terminal to prompt on)", NULL);
		return NULL;
	}
	char prompt[300];
	snprintf(prompt, sizeof(prompt), "Password for %s@%s: ", o->user ? o->user : "",
	         o->host ? o->host : "");
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		set_error(err, "cannot write the password prompt", NULL);
		return NULL;
	}
	struct termios saved, quiet;
	int have_termios = tcgetattr(fd, &saved) == 0;
	if (have_termios) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char *pw = calloc(1, MAX_PASSWORD + 2);
	size_t len = 0;
	while (pw && len <= MAX_PASSWORD) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		pw[len++] = c;
	}
	if (have_termios)
		tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0) {
		/* Only cosmetic. */
	}
	close(fd);
	if (!pw) {
		set_error(err, "out of memory", NULL);
		return NULL;
	}
	if (len > MAX_PASSWORD) {
		cli_wipe_password(pw);
		set_error(err, "the password is too long", NULL);
		return NULL;
	}
	pw[len] = '\0';
	chomp(pw, &len);
	return pw;
}

char *cli_read_password(const cli_options *o, hvsnap_error *err)
{
	hvs_platform_protect_secrets();
	/* Empty means unset, as for every HVSNAP_* variable. */
	char *env = getenv("HVSNAP_PASSWORD");
	if (o->password_file)
		return read_password_file(o->password_file, err);
	if (env && *env) {
		char *pw = strdup(env);
		if (!pw)
			set_error(err, "out of memory", NULL);
		/* getenv's string lies in the environment block the kernel shows
		 * as /proc/PID/environ: overwrite it there, now that we hold our
		 * own copy, and leave the variable empty (that is, unset). */
		OPENSSL_cleanse(env, strlen(env));
		return pw;
	}
	return prompt_password(o, err);
}
