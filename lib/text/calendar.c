/* text/calendar — the one calendar: days since 1970-01-01 (proleptic
 * Gregorian), ISO weekdays and weeks, today (or the day the tuning's today
 * stands for), and moments shown in the data's time zone. */
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- days ---------------------------------------------------------------- */

cc_day cc_day_from_ymd(int y, int m, int d)
{
    /* Howard Hinnant's days_from_civil */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (cc_day)(era * 146097 + doe - 719468);
}

void cc_day_to_ymd(cc_day day, int *y, int *m, int *d)
{
    long z = (long)day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp + (mp < 10 ? 3 : -9);
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

int cc_ymd_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int md = mdays[m - 1] + (m == 2 && leap);
    return d <= md;
}

void cc_day_format(cc_day day, char out[11])
{
    int y, m, d;
    cc_day_to_ymd(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(out, "0000-00-00", 11);
        return;
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

void cc_time_format(int seconds, char out[9])
{
    int h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
    if (h < 0 || h > 99)
        h = 0;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = ':';
    out[6] = (char)('0' + s / 10);
    out[7] = (char)('0' + s % 10);
    out[8] = '\0';
}

int cc_day_weekday(cc_day day)
{
    /* 1970-01-01 was a Thursday (4) */
    long w = ((long)day % 7 + 7) % 7;   /* 0 = Thursday */
    return (int)((w + 3) % 7) + 1;
}

/* ---- ISO weeks ----------------------------------------------------------- */
int cc_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

void cc_iso_week(cc_day day, int *iso_year, int *week)
{
    cc_day thursday = day - cc_day_weekday(day) + 4;
    int y, m, d;
    cc_day_to_ymd(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thursday - cc_day_from_ymd(y, 1, 1)) / 7) + 1;
}

cc_day cc_iso_week_monday(int iso_year, int week)
{
    cc_day jan4 = cc_day_from_ymd(iso_year, 1, 4);
    return jan4 - (cc_day_weekday(jan4) - 1) + 7 * (week - 1);
}

int cc_iso_weeks_in_year(int iso_year)
{
    int y, w;
    cc_iso_week(cc_day_from_ymd(iso_year, 12, 28), &y, &w);
    return w;
}

/* ---- today and the clock ------------------------------------------------- */
cc_day cc_today(void)
{
    /* CARECARD_TODAY=YYYY-MM-DD: the day "today" stands for (re-running the
     * report of a missed cron week; tests) */
    const char *fake = cc_tuning_get()->today;
    cc_day d;
    if (fake && *fake && cc_parse_date(fake, strlen(fake), &d) == CC_PARSE_OK)
        return d;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return cc_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void cc_time_show(time_t t, char *out, size_t cap)
{
    const char *tz = cc_tuning_get()->tz;     /* $TZ */
    struct tm tm;
    long off;
    char zone[64];
    if (tz && *tz) {
        localtime_r(&t, &tm);
        off = tm.tm_gmtoff;
        if (*tz == ':')
            tz++;
        if (strchr(tz, '/') || !tm.tm_zone)
            snprintf(zone, sizeof zone, "%s", tz);
        else
            snprintf(zone, sizeof zone, "%s", tm.tm_zone);
    } else {
        time_t l = t + 8 * 3600;     /* Asia/Shanghai: UTC+8, no summer time since 1991 */
        gmtime_r(&l, &tm);
        off = 8 * 3600;
        snprintf(zone, sizeof zone, "Asia/Shanghai");
    }
    long a = off < 0 ? -off : off;
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld:%02ld %s", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60, zone);
}

char *cc_time_local(char *utc)
{
    if (!utc)
        return NULL;
    int y, mo, d, h, mi, s, n = 0;
    if (sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 || utc[n] != '\0'
        || !cc_ymd_valid(y, mo, d))
        return utc;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    char out[96];
    cc_time_show(timegm(&tm), out, sizeof out);
    free(utc);
    return cc_xstrdup(out);
}
