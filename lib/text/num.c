/* num — a double as the shortest text that reads back as it, the way the CSV
 * renderer writes numbers: "%.0f" for an integer below 1e15, else "%.*g" with
 * the precision p (1..17) found by bisection as the smallest that reads back
 * (strtod) without an exponent unless |v| < 1e-4.
 *
 * glibc's printf of a double is exact but slow (multi-precision), and the
 * bisection asked it four or five times per number.  Here an integer is
 * written by hand (exact below 1e15), and the other numbers are printed once
 * with 17 significant digits ("%.16e"); each "%.*g" the bisection tries is
 * that decimal rounded to p digits in the string.  Rounding the 17-digit
 * decimal D gives the digits printf gives for v unless D's dropped tail is
 * exactly one half (5 then zeros): the half-way point between two p-digit
 * numbers has at most 17 digits, so D, the nearest 17-digit decimal to v, is
 * on v's side of it or on it; on it, printf is asked.  tests/unit/num_test.c
 * compares it with printf's bisection on millions of values. */
#include "text/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference: printf's bisection (also the path for |v| >= 1e15). */
static void shortest_printf(char *out, size_t len, double v)
{
    unsigned lo = 1, hi = 17;
    while (lo < hi) {
        unsigned p = (lo + hi) / 2;
        snprintf(out, len, "%.*g", (int)(p & 31), v);
        if (strtod(out, NULL) == v && (!strchr(out, 'e') || fabs(v) < 1e-4))
            hi = p;
        else
            lo = p + 1;
    }
    snprintf(out, len, "%.*g", (int)(lo & 31), v);
}

/* "%.*g" of v with precision p from its 17 digits d[0..16] and exponent x
 * (v = ±d0.d1d2... × 10^x); 0 when printf must be asked (a tie). */
static int format_g(char *out, size_t len, int neg, const char d17[17], int x, int p)
{
    char d[18];
    memcpy(d, d17, 17);
    if (p < 17) {
        int up = d[p] > '5';
        if (d[p] == '5') {
            int rest = 0;
            for (int i = p + 1; i < 17; i++)
                rest |= d[i] != '0';
            if (!rest)
                return 0;               /* exactly half way in D: ask printf */
            up = 1;
        }
        if (up) {
            int i = p - 1;
            while (i >= 0 && d[i] == '9')
                d[i--] = '0';
            if (i < 0) {                /* 9.99 -> 10.0: one more digit before the point */
                memmove(d + 1, d, (size_t)p - 1);
                d[0] = '1';
                x++;
            } else {
                d[i]++;
            }
        }
    }
    int n = p;                          /* significant digits, trailing zeros dropped */
    while (n > 1 && d[n - 1] == '0')
        n--;
    char b[48];
    size_t o = 0;
    if (neg)
        b[o++] = '-';
    if (x < -4 || x >= p) {             /* d.ddde±XX */
        b[o++] = d[0];
        if (n > 1) {
            b[o++] = '.';
            memcpy(b + o, d + 1, (size_t)n - 1);
            o += (size_t)n - 1;
        }
        o += (size_t)snprintf(b + o, sizeof b - o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    } else if (x >= 0) {                /* ddd.ddd */
        for (int i = 0; i <= x; i++)
            b[o++] = i < n ? d[i] : '0';
        if (n > x + 1) {
            b[o++] = '.';
            memcpy(b + o, d + x + 1, (size_t)(n - x - 1));
            o += (size_t)(n - x - 1);
        }
    } else {                            /* 0.000ddd */
        b[o++] = '0';
        b[o++] = '.';
        for (int i = 0; i < -x - 1; i++)
            b[o++] = '0';
        memcpy(b + o, d, (size_t)n);
        o += (size_t)n;
    }
    if (o + 1 > len)
        return 0;
    memcpy(out, b, o);
    out[o] = '\0';
    return 1;
}

void cc_num_shortest(char *out, size_t len, double v)
{
    if (len < 32) {                     /* callers give 40 */
        if (len)
            out[0] = '\0';
        return;
    }
    if (!isfinite(v)) {
        out[0] = '\0';
        return;
    }
    double a = fabs(v);
    if (v == floor(v) && a < 1e15) {    /* "%.0f": exact */
        unsigned long long u = (unsigned long long)a;
        char t[24];
        int k = 0;
        do
            t[k++] = (char)('0' + u % 10);
        while ((u /= 10) != 0);
        size_t o = 0;
        if (v < 0)
            out[o++] = '-';
        while (k)
            out[o++] = t[--k];
        out[o] = '\0';
        return;
    }
    if (a >= 1e15) {
        shortest_printf(out, len, v);
        return;
    }
    char e[40];
    snprintf(e, sizeof e, "%.16e", a);  /* d.dddddddddddddddde±XX */
    char d17[17];
    d17[0] = e[0];
    memcpy(d17 + 1, e + 2, 16);
    int x = atoi(e + 19);
    int neg = v < 0;
    unsigned lo = 1, hi = 17;
    while (lo < hi) {
        unsigned p = (lo + hi) / 2;
        if (!format_g(out, len, neg, d17, x, (int)p))
            snprintf(out, len, "%.*g", (int)p, v);
        if (strtod(out, NULL) == v && (!strchr(out, 'e') || a < 1e-4))
            hi = p;
        else
            lo = p + 1;
    }
    if (!format_g(out, len, neg, d17, x, (int)lo))
        snprintf(out, len, "%.*g", (int)lo, v);
}

/* "-0", "-0.00": a minus before nothing but zeros */
static void drop_negative_zero(char *s)
{
    if (s[0] != '-')
        return;
    for (const char *p = s + 1; *p; p++)
        if (*p != '0' && *p != '.')
            return;
    memmove(s, s + 1, strlen(s));
}

void cc_num_csv(char *out, size_t len, double v)
{
    if (!len)
        return;
    if (!isfinite(v)) {
        out[0] = '\0';
        return;
    }
    if (fabs(v) >= 1e15) {
        snprintf(out, len, "%.0f", v);
        return;
    }
    snprintf(out, len, "%.6f", v);
    char *dot = strchr(out, '.');
    if (dot) {
        char *e = out + strlen(out);
        while (e > dot + 1 && e[-1] == '0')
            *--e = '\0';
        if (e == dot + 1)
            *dot = '\0';
    }
    drop_negative_zero(out);
}

void cc_num_fixed(char *out, size_t len, double v, int dec)
{
    if (isnan(v)) {
        snprintf(out, len, "-");
        return;
    }
    snprintf(out, len, "%.*f", dec, v);
    drop_negative_zero(out);
}
