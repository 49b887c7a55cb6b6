/* points.h - points as every report shows them: whole hundredths of a point,
 * printed with at most two decimals and no trailing zeros ("27.39", "150",
 * "0.5"). The rubric's and the question banks' points are whole hundredths
 * (tg_points_exact, checked where they are read), so every score, a sum of
 * them, is too, and rounding to hundredths loses nothing: the terminal, the
 * JSON reports, JUnit, Gradescope, PrairieLearn, Autolab, the gradebook and
 * the class summaries all say the same number.
 *
 *   printf("Score: %.*f/%.*f\n", TG_POINTS(score), TG_POINTS(max));
 *
 * Header-only: a few lines shared by the grader, ttquestions and the kit. */
#ifndef TG_POINTS_H
#define TG_POINTS_H

#include <math.h>

/* x rounded to hundredths (the nearest double to them: 27.39, not
 * 27.390000000000001), and never -0. */
static inline double tg_points_value(double x)
{
    double v = round(x * 100.0) / 100.0;
    return v == 0 ? 0 : v;
}

/* How many decimals tg_points_value(x) needs: 0, 1 or 2. */
static inline int tg_points_decimals(double x)
{
    double c = fabs(round(x * 100.0));
    return fmod(c, 100.0) == 0 ? 0 : fmod(c, 10.0) == 0 ? 1 : 2;
}

/* The two arguments of a "%.*f" conversion that prints points. */
#define TG_POINTS(x) tg_points_decimals(x), tg_points_value(x)

/* 1 if x is a whole number of hundredths (2.5, 1.33; not 1.333 nor 1/3),
 * up to the error of reading the decimal into a double. */
static inline int tg_points_exact(double x)
{
    return isfinite(x) && fabs(x * 100.0 - round(x * 100.0)) < 1e-6 * (fabs(x) > 1 ? fabs(x) : 1);
}

#endif /* TG_POINTS_H */
