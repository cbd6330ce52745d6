/* tutil: small helpers shared by the unit tests: a private temporary
 * directory (mkdtemp, never a fixed name), files written into it, and a
 * minimal set of keyword word lists. */
#ifndef FORTROLIG_TUTIL_H
#define FORTROLIG_TUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new directory under $TMPDIR (or /tmp); the caller frees the name. */
static inline char *
tu_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if (asprintf(&path, "%s/fortrolig-unit-XXXXXX", base) < 0)
		return NULL;
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		free(path);
		return NULL;
	}
	return path;
}

/* Writes dir/name (dir/name may name a new subdirectory's file only if the
 * subdirectory exists); returns the malloc'd path, or NULL. */
static inline char *
tu_write(const char *dir, const char *name, const char *content)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		free(path);
		return NULL;
	}
	fputs(content, f);
	if (fclose(f) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

static inline int
tu_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
tu_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/words with the five required lists (and exclude.txt): enough for
 * one health term, one criminal term and the person word "hun". */
static inline char *
tu_words(const char *dir)
{
	static const char *const files[][2] = {
		{ "health.txt", "# test list\nkr\xc3\xa6""ftsyg =3\nindlagt =2\n" },
		{ "criminal.txt", "sigtet for =3\n" },
		{ "social.txt", "tvangsfjernet =3\n" },
		{ "private.txt", "skilsmisse =3\n" },
		{ "person.txt", "hun\nhan\nborgeren\n" },
		{ "exclude.txt", "bekr\xc3\xa6""ftet\n" },
	};
	char *words;

	if (asprintf(&words, "%s/words", dir) < 0)
		return NULL;
	if (mkdir(words, 0700) < 0 && access(words, F_OK) < 0) {
		free(words);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = tu_write(words, files[i][0], files[i][1]);
		if (p == NULL) {
			free(words);
			return NULL;
		}
		free(p);
	}
	return words;
}

#endif
