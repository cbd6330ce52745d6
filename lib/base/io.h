/* io: small system helpers shared by the stages. */
#ifndef FORTROLIG_IO_H
#define FORTROLIG_IO_H

#include <stddef.h>

/* Writes all n bytes (retrying on EINTR and short writes). 0, or -1 (errno). */
int fio_write_all(int fd, const void *p, size_t n);
/* CLOCK_MONOTONIC in milliseconds and in microseconds. */
long long fio_now_ms(void);
long long fio_now_us(void);

#endif
