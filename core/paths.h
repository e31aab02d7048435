/* paths.h — path helpers: joining, resolving against the config's folder,
 * creating folders, reading whole files, and finding the program's data
 * (installed share/baogao, or the source tree when run from the build tree). */
#ifndef BAOGAO_PATHS_H
#define BAOGAO_PATHS_H

#include <stddef.h>

/* All returned strings are malloc'ed; the caller frees them. NULL = no memory. */
char *bg_path_join(const char *dir, const char *name);
char *bg_dirname(const char *path);
char *bg_basename(const char *path);
/* path if absolute, else base_dir/path. */
char *bg_path_resolve(const char *base_dir, const char *path);
/* mkdir -p; 0 on success, -1 with errno. */
int bg_mkdirs(const char *path);
/* Reads a whole file; returns NULL with errno set. *size excludes the NUL
 * that is appended. */
char *bg_read_file(const char *path, size_t *size);
/* The folder of the running executable. */
char *bg_exe_dir(void);
/* build_dir/sub when the program runs from its CMake build tree, else NULL. */
char *bg_build_tree_dir(const char *sub);
/* PREFIX/relative, where PREFIX is the folder above the executable's. */
char *bg_install_dir(const char *relative);
/* The data folder holding rules/ and the divisions list: the source tree's
 * config/ when run from the build tree, else the installed share/baogao. */
char *bg_data_dir(void);

#endif
