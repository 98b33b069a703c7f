/* Unit tests of lib/score/methods.c: AHP, entropy weights, TOPSIS, and the
 * configuration's AHP check.
 *
 * Every expected number below is worked out by hand in the comment next to it
 * (closed forms, exact fractions); none was copied from the program's output.
 * Where a matrix is a well-known textbook one, the values it is usually quoted
 * with are given as a cross-check, but the assertion rests on the derivation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

#define assert_near(a, b, tol) do {                                         \
        double a_ = (a), b_ = (b);                                          \
        if (!(fabs(a_ - b_) <= (tol)))                                      \
            fail_msg("%s = %.15g, expected %.15g (tol %g)", #a, a_, b_, (double)(tol)); \
    } while (0)

static char diag_buf[4096];

static FILE *capture(void)
{
    memset(diag_buf, 0, sizeof diag_buf);
    FILE *f = fmemopen(diag_buf, sizeof diag_buf - 1, "w");
    cc_diag_set_sink(f);
    return f;
}

static void uncapture(FILE *f)
{
    fflush(f);
    cc_diag_set_sink(stderr);
    fclose(f);
}

/* ---- AHP ------------------------------------------------------------------ */

/* The RI table of Saaty (1980) as the spec quotes it. */
static void test_ahp_ri(void **state)
{
    (void)state;
    static const double ri[16] = {0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45,
                                  1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
    for (size_t n = 1; n <= 15; n++)
        assert_near(cc_ahp_ri(n), ri[n], 0);
    assert_true(isnan(cc_ahp_ri(0)));
    assert_true(isnan(cc_ahp_ri(16)));
}

/* The 3x3 matrix
 *     1    3    5
 *    1/3   1    3
 *    1/5  1/3   1
 * (a textbook staple, usually quoted as w = 0.637, 0.258, 0.105, CR = 0.033).
 * By hand: for a 3x3 reciprocal matrix with a12 = a, a13 = b, a23 = c the
 * principal eigenvector is the vector of row geometric means and
 * λmax = 1 + t + 1/t with t = (a·c/b)^(1/3).
 *   t = (3·3/5)^(1/3) = 1.8^(1/3) = 1.216440399
 *   λmax = 1 + 1.216440399 + 0.822070691 = 3.038511091
 *   CI = (3.038511091 − 3)/2 = 0.019255545;  CR = CI/0.58 = 0.033199216
 *   geometric means 15^(1/3) = 2.466212074, 1, (1/15)^(1/3) = 0.405480133,
 *   sum 3.871692207 → w = 0.636985572, 0.258284994, 0.104729434 */
static void test_ahp_3x3(void **state)
{
    (void)state;
    const double m[9] = {1, 3, 5, 1.0 / 3, 1, 3, 1.0 / 5, 1.0 / 3, 1};
    cc_ahp_result r;
    char err[200];
    assert_int_equal(cc_ahp(m, 3, &r, err, sizeof err), CC_OK);
    assert_int_equal(r.n, 3);
    assert_near(r.weights[0], 0.636985572, 1e-8);
    assert_near(r.weights[1], 0.258284994, 1e-8);
    assert_near(r.weights[2], 0.104729434, 1e-8);
    assert_near(r.lambda_max, 3.038511091, 1e-8);
    assert_near(r.ci, 0.019255545, 1e-8);
    assert_near(r.ri, 0.58, 0);
    assert_near(r.cr, 0.033199216, 1e-8);
    assert_true(r.consistent);
    cc_ahp_release(&r);
    assert_null(r.weights);
}

/* The [ahp] example of indicators.md:
 *   process    = 1,   2,   3,   2
 *   recipients = 1/2, 1,   2,   1
 *   growth     = 1/3, 1/2, 1,   1/2
 *   community  = 1/2, 1,   2,   1
 * Rows 2 and 4 are equal, so w = (p, r, g, r) and A·w = λw reduces to
 *   p + 4r + 3g = λp,  p/2 + 2r + 2g = λr,  p/3 + r + g = λg,
 * whose characteristic polynomial is det([[1−λ,4,3],[1/2,2−λ,2],[1/3,1,1−λ]])
 *   = −λ³ + 4λ² + 1/6, so λmax is the real root of λ²(λ − 4) = 1/6:
 *   λmax = 4.010362902 (check: 4.010362902² × 0.010362902 = 0.16667).
 *   CI = 0.010362902/3 = 0.003454301; CR = CI/0.90 = 0.003838112.
 * From the third and second equations with λ: g = (p/3 + r)/(λ − 1) and
 * p/2 + 2g = (λ − 2)r; normalising p + 2r + g = 1 gives
 *   p = 0.423586913, r = 0.227044465, g = 0.122324157. */
static void test_ahp_spec_example(void **state)
{
    (void)state;
    const double m[16] = {1, 2, 3, 2,
                          0.5, 1, 2, 1,
                          1.0 / 3, 0.5, 1, 0.5,
                          0.5, 1, 2, 1};
    cc_ahp_result r;
    assert_int_equal(cc_ahp(m, 4, &r, NULL, 0), CC_OK);
    assert_near(r.lambda_max, 4.010362902, 1e-8);
    assert_near(r.ci, 0.003454301, 1e-8);
    assert_near(r.ri, 0.90, 0);
    assert_near(r.cr, 0.003838112, 1e-8);
    assert_near(r.weights[0], 0.423586913, 1e-8);
    assert_near(r.weights[1], 0.227044465, 1e-8);
    assert_near(r.weights[2], 0.122324157, 1e-8);
    assert_near(r.weights[3], 0.227044465, 1e-8);
    assert_near(r.weights[0] + r.weights[1] + r.weights[2] + r.weights[3], 1, 1e-12);
    assert_true(r.consistent);
    cc_ahp_release(&r);
}

/* Published example: Saaty's "which drink is consumed more in the US?"
 * matrix, T.L. Saaty, "Decision making with the analytic hierarchy process",
 * Int. J. Services Sciences 1(1), 2008, pp. 83-98 (Table 2).  Rows/columns
 * coffee, wine, tea, beer, sodas, milk, water (a_ij = how much more of i is
 * drunk than of j):
 *   coffee   1    9   5   2    1    1    1/2
 *   wine    1/9   1  1/3 1/9  1/9  1/9   1/9
 *   tea     1/5   3   1  1/3  1/4  1/3   1/9
 *   beer    1/2   9   3   1   1/2   1    1/3
 *   sodas    1    9   4   2    1    2    1/2
 *   milk     1    9   3   1   1/2   1    1/3
 *   water    2    9   9   3    2    3     1
 * Published (eigenvector method, 3 decimals): coffee .177, wine .019,
 * tea .042, beer .116, sodas .190, milk .129, water .327; CR = .022.
 * (Numbers as reproduced, with the matrix, in the README and tests of the
 * AHPy package, https://github.com/PhilipGriffith/AHPy, which cite this paper
 * and state that they match Saaty's; the paper's own text was not available
 * to check against.)
 * Precision: the source gives 3 decimals (2-3 significant digits), so the
 * assertions against it allow half a unit in the last published digit.
 * Independently (power iteration in double precision, outside this code,
 * residual |Aw − λw| < 1e-15): w = 0.177456747, 0.019149476, 0.041831182,
 * 0.116417032, 0.189572375, 0.128780549, 0.326792639;
 * λmax = 7.176629039, CI = 0.029438173, CR = CI/1.32 = 0.022301646. */
static void test_ahp_published_drinks(void **state)
{
    (void)state;
    const double m[49] = {
        1, 9, 5, 2, 1, 1, 1.0 / 2,
        1.0 / 9, 1, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9,
        1.0 / 5, 3, 1, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9,
        1.0 / 2, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3,
        1, 9, 4, 2, 1, 2, 1.0 / 2,
        1, 9, 3, 1, 1.0 / 2, 1, 1.0 / 3,
        2, 9, 9, 3, 2, 3, 1};
    static const double published[7] = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
    static const double exact[7] = {0.177456747, 0.019149476, 0.041831182, 0.116417032,
                                    0.189572375, 0.128780549, 0.326792639};
    cc_ahp_result r;
    char err[200];
    assert_int_equal(cc_ahp(m, 7, &r, err, sizeof err), CC_OK);
    assert_int_equal(r.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_near(r.weights[i], published[i], 0.0005);
        assert_near(r.weights[i], exact[i], 1e-8);
    }
    assert_near(r.cr, 0.022, 0.0005);
    assert_near(r.lambda_max, 7.176629039, 1e-8);
    assert_near(r.ci, 0.029438173, 1e-8);
    assert_near(r.ri, 1.32, 0);
    assert_near(r.cr, 0.022301646, 1e-8);
    assert_true(r.consistent);
    cc_ahp_release(&r);
}

/* A perfectly consistent matrix a_ij = w_i / w_j with w = (0.4, 0.3, 0.2, 0.1)
 * has λmax = n exactly, CI = CR = 0 and gives back w. */
static void test_ahp_consistent(void **state)
{
    (void)state;
    const double w[4] = {0.4, 0.3, 0.2, 0.1};
    double m[16];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            m[i * 4 + j] = w[i] / w[j];
    cc_ahp_result r;
    assert_int_equal(cc_ahp(m, 4, &r, NULL, 0), CC_OK);
    for (int i = 0; i < 4; i++)
        assert_near(r.weights[i], w[i], 1e-12);
    assert_near(r.lambda_max, 4, 1e-10);
    assert_near(r.ci, 0, 1e-10);
    assert_near(r.cr, 0, 1e-10);
    assert_true(r.consistent);
    cc_ahp_release(&r);
}

/* n = 1 and n = 2: always consistent, CR = 0 (RI = 0).
 * [[1,3],[1/3,1]]: w = (3/4, 1/4), λ = 2. */
static void test_ahp_small(void **state)
{
    (void)state;
    const double one[1] = {1};
    cc_ahp_result r;
    assert_int_equal(cc_ahp(one, 1, &r, NULL, 0), CC_OK);
    assert_near(r.weights[0], 1, 0);
    assert_near(r.cr, 0, 0);
    assert_true(r.consistent);
    cc_ahp_release(&r);

    const double two[4] = {1, 3, 1.0 / 3, 1};
    assert_int_equal(cc_ahp(two, 2, &r, NULL, 0), CC_OK);
    assert_near(r.weights[0], 0.75, 1e-12);
    assert_near(r.weights[1], 0.25, 1e-12);
    assert_near(r.lambda_max, 2, 1e-12);
    assert_near(r.ci, 0, 1e-12);
    assert_near(r.cr, 0, 0);
    assert_true(r.consistent);
    cc_ahp_release(&r);
}

/* A circular (intransitive) judgement: A ≫ B ≫ C ≫ A.
 *     1    9   1/9
 *    1/9   1    9
 *     9   1/9   1
 * a = 9, b = 1/9, c = 9: t = (9·9·9)^(1/3) = 9, λmax = 1 + 9 + 1/9 = 10.111111,
 * CI = 7.111111/2 = 3.555556, CR = 3.555556/0.58 = 6.130268 ≥ 0.10;
 * by symmetry w = (1/3, 1/3, 1/3). The result is returned, flagged inconsistent. */
static void test_ahp_inconsistent(void **state)
{
    (void)state;
    const double m[9] = {1, 9, 1.0 / 9, 1.0 / 9, 1, 9, 9, 1.0 / 9, 1};
    cc_ahp_result r;
    assert_int_equal(cc_ahp(m, 3, &r, NULL, 0), CC_OK);
    assert_near(r.lambda_max, 10.111111111, 1e-8);
    assert_near(r.ci, 3.555555556, 1e-8);
    assert_near(r.cr, 6.130268199, 1e-8);
    for (int i = 0; i < 3; i++)
        assert_near(r.weights[i], 1.0 / 3, 1e-10);
    assert_false(r.consistent);
    cc_ahp_release(&r);
}

/* Structural errors are refused with a reason naming row and column. */
static void test_ahp_invalid(void **state)
{
    (void)state;
    cc_ahp_result r;
    char err[256];

    const double nonrecip[9] = {1, 3, 5, 1.0 / 3, 1, 3, 1.0 / 5, 1.0 / 2, 1};
    assert_int_equal(cc_ahp(nonrecip, 3, &r, err, sizeof err), CC_ERR_DATA);
    assert_string_equal(err, "row 2, column 3 (3) and row 3, column 2 (0.5) are not reciprocal: "
                        "expected 0.333333");
    assert_null(r.weights);
    const char *names[3] = {"cost", "quality", "service"};
    assert_int_equal(cc_ahp_named(nonrecip, 3, names, &r, err, sizeof err), CC_ERR_DATA);
    assert_string_equal(err, "row 'quality', column 'service' (3) and row 'service', column 'quality' "
                        "(0.5) are not reciprocal: expected 0.333333");

    const double diag[4] = {2, 3, 1.0 / 3, 1};
    assert_int_equal(cc_ahp(diag, 2, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "diagonal"));

    const double neg[4] = {1, -3, -1.0 / 3, 1};
    assert_int_equal(cc_ahp(neg, 2, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "not positive"));

    const double zero[4] = {1, 0, 0, 1};
    assert_int_equal(cc_ahp(zero, 2, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "not positive"));

    const double big[4] = {1, 10, 0.1, 1};
    assert_int_equal(cc_ahp(big, 2, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "outside Saaty's scale"));

    const double nan_[4] = {1, NAN, 1, 1};
    assert_int_equal(cc_ahp(nan_, 2, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "not a number"));

    /* 1/9 and 9 themselves are on the scale */
    const double edge[4] = {1, 9, 1.0 / 9, 1};
    assert_int_equal(cc_ahp(edge, 2, &r, err, sizeof err), CC_OK);
    assert_near(r.weights[0], 0.9, 1e-12);
    cc_ahp_release(&r);

    assert_int_equal(cc_ahp(edge, 0, &r, err, sizeof err), CC_ERR_DATA);
    double *m16 = calloc(16 * 16, sizeof *m16);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            m16[i * 16 + j] = 1;
    assert_int_equal(cc_ahp(m16, 16, &r, err, sizeof err), CC_ERR_DATA);
    assert_non_null(strstr(err, "1..15"));
    free(m16);
}

/* ---- entropy -------------------------------------------------------------- */

/* Three alternatives, three criteria; column 2 is a cost, column 3 constant.
 *   x = | 1 2 5 |
 *       | 2 2 5 |
 *       | 3 8 5 |
 * Column 1 (benefit): y = (x − 1)/2 = 0, 1/2, 1; p = 0, 1/3, 2/3;
 *   e1 = −(1/ln 3)(1/3 ln 1/3 + 2/3 ln 2/3) = 0.579380164
 * Column 2 (cost): y = (8 − x)/6 = 1, 1, 0; p = 1/2, 1/2, 0;
 *   e2 = ln 2 / ln 3 = 0.630929754
 * Column 3: constant → e3 = 1, d3 = 0.
 *   d = 0.420619836, 0.369070246, 0; w = d/Σd = 0.532639127, 0.467360873, 0 */
static void test_entropy_minmax(void **state)
{
    (void)state;
    const double x[9] = {1, 2, 5, 2, 2, 5, 3, 8, 5};
    const int cost[3] = {0, 1, 0};
    double w[3], e[3];
    assert_int_equal(cc_entropy(x, 3, 3, cost, 0, w, e), CC_OK);
    assert_near(e[0], 0.579380164, 1e-9);
    assert_near(e[1], 0.630929754, 1e-9);
    assert_near(e[2], 1, 0);
    assert_near(w[0], 0.532639127, 1e-9);
    assert_near(w[1], 0.467360873, 1e-9);
    assert_near(w[2], 0, 0);
}

/* The same matrix with --raw (p = x/Σx, direction does not matter):
 * col 1: p = 1/6, 2/6, 3/6 → e1 = 0.920619836
 * col 2: p = 2/12, 2/12, 8/12 → e2 = 0.789690082
 * col 3: p = 1/3 each → e3 = 1.
 * d = 0.079380164, 0.210309918, 0 → w = 0.274017542, 0.725982458, 0 */
static void test_entropy_raw(void **state)
{
    (void)state;
    const double x[9] = {1, 2, 5, 2, 2, 5, 3, 8, 5};
    double w[3], e[3];
    assert_int_equal(cc_entropy(x, 3, 3, NULL, 1, w, e), CC_OK);
    assert_near(e[0], 0.920619836, 1e-9);
    assert_near(e[1], 0.789690082, 1e-9);
    assert_near(e[2], 1, 0);         /* constant: exactly 1 and 0 */
    assert_near(w[0], 0.274017542, 1e-9);
    assert_near(w[1], 0.725982458, 1e-9);
    assert_near(w[2], 0, 0);

    const double neg[4] = {1, -1, 2, 3};
    FILE *f = capture();
    assert_int_equal(cc_entropy(neg, 2, 2, NULL, 1, w, e), CC_ERR_DATA);
    uncapture(f);
    assert_non_null(strstr(diag_buf, "negative"));
}

/* Published example: X. Xu, "A note on the subjective and objective
 * integrated approach to determine attribute weights", European Journal of
 * Operational Research 156(2), 2004, pp. 530-532,
 * doi:10.1016/S0377-2217(03)00146-2.  Decision matrix (4 alternatives,
 * 4 benefit attributes):
 *   30  30  38  29
 *   19  54  86  29
 *   19  15  85  28.9
 *   68  70  60  29
 * Published entropy weights (4 decimals): 0.4630, 0.3992, 0.1378, 0.0000.
 * (Numbers as reproduced, with the matrix, in the test suite of the
 * pyrepo-mcda package, https://github.com/energyinpython/pyrepo-mcda,
 * test_Entropy, which cites this paper; the paper's own text was not
 * available to check against.)
 * The paper uses sum-normalised raw values p = x/Σx, i.e. --raw: with
 * min–max standardisation the near-constant 4th column (29, 29, 28.9, 29)
 * would become 1, 1, 0, 1 and get the largest weight instead of 0.0000.
 * By hand (p = x/Σx, e = −Σ p ln p / ln 4):
 *   col 1: Σ = 136, p = .220588 .139706 .139706 .500000 → e1 = 0.887204080
 *   col 2: Σ = 169, p = .177515 .319527 .088757 .414201 → e2 = 0.902736129
 *   col 3: Σ = 269, p = .141264 .319703 .315985 .223048 → e3 = 0.966415791
 *   col 4: Σ = 115.9 → e4 = 0.999999194
 *   d = 0.112795920, 0.097263871, 0.033584209, 0.000000806; Σd = 0.243644806
 *   w = 0.462952287, 0.399203549, 0.137840856, 0.0000033080
 * which reproduces the published 0.4630, 0.3992, 0.1378, 0.0000 to all four
 * digits given (4 significant digits for the first three). */
static void test_entropy_published_xu2004(void **state)
{
    (void)state;
    const double x[16] = {30, 30, 38, 29,
                          19, 54, 86, 29,
                          19, 15, 85, 28.9,
                          68, 70, 60, 29};
    static const double published[4] = {0.4630, 0.3992, 0.1378, 0.0000};
    double w[4], e[4];
    assert_int_equal(cc_entropy(x, 4, 4, NULL, 1, w, e), CC_OK);
    for (size_t j = 0; j < 4; j++)
        assert_near(w[j], published[j], 0.00005);
    assert_near(e[0], 0.887204080, 1e-9);
    assert_near(e[1], 0.902736129, 1e-9);
    assert_near(e[2], 0.966415791, 1e-9);
    assert_near(e[3], 0.999999194, 1e-9);
    assert_near(w[0], 0.462952287, 1e-9);
    assert_near(w[1], 0.399203549, 1e-9);
    assert_near(w[2], 0.137840856, 1e-9);
    assert_near(w[3], 0.0000033080, 1e-9);
}

/* Missing cells: the row is left out of that column only (m per column).
 *   x = | 1 1 |
 *       | 2 2 |
 *       | - 3 |
 *       | 4 4 |
 * col 1 (m = 3): y = 0, 1/3, 1; p = 0, 1/4, 3/4;
 *   e1 = −(1/ln 3)(1/4 ln 1/4 + 3/4 ln 3/4) = 0.511859507
 * col 2 (m = 4): y = 0, 1/3, 2/3, 1; p = 0, 1/6, 1/3, 1/2;
 *   e2 = −(1/ln 4)(1/6 ln 1/6 + 1/3 ln 1/3 + 1/2 ln 1/2) = 0.729573959
 * w = 0.488140493/0.758566534, 0.270426041/0.758566534 = 0.643503860, 0.356496140 */
static void test_entropy_missing(void **state)
{
    (void)state;
    const double x[8] = {1, 1, 2, 2, NAN, 3, 4, 4};
    double w[2], e[2];
    assert_int_equal(cc_entropy(x, 4, 2, NULL, 0, w, e), CC_OK);
    assert_near(e[0], 0.511859507, 1e-9);
    assert_near(e[1], 0.729573959, 1e-9);
    assert_near(w[0], 0.643503860, 1e-9);
    assert_near(w[1], 0.356496140, 1e-9);
}

/* Every column constant: every d = 0 → equal weights. */
static void test_entropy_all_constant(void **state)
{
    (void)state;
    const double x[6] = {7, 1, 0, 7, 1, 0};
    double w[3], e[3];
    assert_int_equal(cc_entropy(x, 2, 3, NULL, 0, w, e), CC_OK);
    for (int j = 0; j < 3; j++) {
        assert_near(e[j], 1, 0);
        assert_near(w[j], 1.0 / 3, 1e-15);
    }
    /* raw: the all-zero column too */
    assert_int_equal(cc_entropy(x, 2, 3, NULL, 1, w, e), CC_OK);
    for (int j = 0; j < 3; j++)
        assert_near(w[j], 1.0 / 3, 1e-15);
}

/* Fewer than 2 values in a column: CC_ERR_DATA, that entropy NAN, every
 * weight NAN (the scorecard then falls back to fixed weights). */
static void test_entropy_too_few(void **state)
{
    (void)state;
    const double x[4] = {1, NAN, 2, 5};
    double w[2], e[2];
    assert_int_equal(cc_entropy(x, 2, 2, NULL, 0, w, e), CC_ERR_DATA);
    assert_true(isnan(e[1]));
    assert_near(e[0], 0, 1e-15);     /* y = 0, 1 → p = 0, 1 → e = 0 */
    assert_true(isnan(w[0]) && isnan(w[1]));
    const double one[2] = {1, 2};
    assert_int_equal(cc_entropy(one, 1, 2, NULL, 0, w, e), CC_ERR_DATA);
}

/* ---- TOPSIS --------------------------------------------------------------- */

/* x = | 3 4 |, w = (1/2, 1/2), both benefit.
 *     | 4 3 |
 *     | 0 0 |
 * Norms √(9+16+0) = 5 in both columns: r = (.6,.8), (.8,.6), (0,0);
 * v = (.3,.4), (.4,.3), (0,0); ideal (.4,.4), anti-ideal (0,0).
 * A1: D+ = √(.01) = .1, D− = √(.09+.16) = .5, C = .5/.6 = 0.833333
 * A2: D+ = .1, D− = .5, C = 0.833333  — a tie: A1 (earlier row) ranks first
 * A3: D+ = √(.16+.16) = 0.565685425, D− = 0, C = 0 */
static void test_topsis_tie(void **state)
{
    (void)state;
    const double x[6] = {3, 4, 4, 3, 0, 0};
    const double w[2] = {0.5, 0.5};
    double c[3], dp[3], dm[3];
    int rank[3];
    assert_int_equal(cc_topsis(x, 3, 2, w, NULL, c, dp, dm, rank), CC_OK);
    assert_near(dp[0], 0.1, 1e-12);
    assert_near(dm[0], 0.5, 1e-12);
    assert_near(c[0], 5.0 / 6, 1e-12);
    assert_near(c[1], 5.0 / 6, 1e-12);
    assert_near(dp[2], 0.565685425, 1e-9);
    assert_near(dm[2], 0, 1e-15);
    assert_near(c[2], 0, 0);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 2);
    assert_int_equal(rank[2], 3);

    /* the same rows in the other order: the tie again goes to the first row */
    const double y[6] = {4, 3, 3, 4, 0, 0};
    assert_int_equal(cc_topsis(y, 3, 2, w, NULL, c, dp, dm, rank), CC_OK);
    assert_int_equal(rank[0], 1);
    assert_int_equal(rank[1], 2);
}

/* The same matrix with column 2 a cost: ideal (.4, 0), anti-ideal (0, .4).
 * A1: D+ = √(.01+.16) = 0.412310563, D− = √(.09+0) = .3, C = .3/.712310563 = 0.421164610
 * A2: D+ = √(0+.09) = .3, D− = √(.16+.01) = 0.412310563, C = 0.578835390
 * A3: D+ = √(.16) = .4, D− = √(.16) = .4, C = 0.5
 * Ranks: A2 1, A3 2, A1 3. */
static void test_topsis_cost(void **state)
{
    (void)state;
    const double x[6] = {3, 4, 4, 3, 0, 0};
    const double w[2] = {0.5, 0.5};
    const int cost[2] = {0, 1};
    double c[3], dp[3], dm[3];
    int rank[3];
    assert_int_equal(cc_topsis(x, 3, 2, w, cost, c, dp, dm, rank), CC_OK);
    assert_near(dp[0], 0.412310563, 1e-9);
    assert_near(dm[0], 0.3, 1e-12);
    assert_near(c[0], 0.421164610, 1e-9);
    assert_near(c[1], 0.578835390, 1e-9);
    assert_near(c[2], 0.5, 1e-12);
    assert_int_equal(rank[0], 3);
    assert_int_equal(rank[1], 1);
    assert_int_equal(rank[2], 2);
}

/* A missing cell leaves the column out of that row's distances and out of
 * the column's normalisation.
 *   x = | 3 4 |   w = (1/2, 1/2)
 *       | 4 - |
 *       | 0 3 |
 * col 1: norm 5, v = .3, .4, 0; col 2: norm √(16+9) = 5, v = .4, −, .3.
 * ideal (.4, .4), anti-ideal (0, .3).
 * A1: D+ = √(.01 + 0) = .1, D− = √(.09 + .01) = 0.316227766, C = 0.759746927
 * A2: D+ = 0 (column 1 only), D− = .4, C = 1
 * A3: D+ = √(.16 + .01) = 0.412310563, D− = 0, C = 0 */
static void test_topsis_missing(void **state)
{
    (void)state;
    const double x[6] = {3, 4, 4, NAN, 0, 3};
    const double w[2] = {0.5, 0.5};
    double c[3], dp[3], dm[3];
    int rank[3];
    assert_int_equal(cc_topsis(x, 3, 2, w, NULL, c, dp, dm, rank), CC_OK);
    assert_near(dp[0], 0.1, 1e-12);
    assert_near(dm[0], 0.316227766, 1e-9);
    assert_near(c[0], 0.759746927, 1e-9);
    assert_near(dp[1], 0, 1e-15);
    assert_near(c[1], 1, 0);
    assert_near(c[2], 0, 0);
    assert_int_equal(rank[1], 1);
    assert_int_equal(rank[0], 2);
    assert_int_equal(rank[2], 3);

    /* a row with no value at all is not ranked */
    const double z[4] = {NAN, NAN, 1, 2};
    assert_int_equal(cc_topsis(z, 2, 2, w, NULL, c, dp, dm, rank), CC_OK);
    assert_true(isnan(c[0]));
    assert_int_equal(rank[0], 0);
    assert_int_equal(rank[1], 1);
    assert_near(c[1], 0.5, 0);       /* alone: D+ = D− = 0 → 0.5 */
}

/* Published example: the car-selection TOPSIS example of R. Hodgett,
 * "TOPSIS in Excel" (http://hodgett.co.uk/topsis-in-excel/), reproduced as the
 * example of the TOPSIS function of the R package MCDA (Meyer & Bigaret),
 * which publishes the ideal solutions:
 *            price    economy  aesthetics  boot      (price is a cost)
 *   Corsa    5490     51.4     8.5         285
 *   Clio     6500     70.6     7           288
 *   Fiesta   6489     54.3     7.5         290
 *   w        0.35     0.25     0.25        0.15
 *   positive ideal  0.179573776 0.171636015 0.159499658 0.087302767
 *   negative ideal  0.212610118 0.124958799 0.131352659 0.085797547
 * By hand: column norms 10700.337425, 102.833895, 13.322913, 498.265993;
 * v = w·x/norm:
 *   Corsa  0.179573776 0.124958799 0.159499658 0.085797547
 *   Clio   0.212610118 0.171636015 0.131352659 0.086700679
 *   Fiesta 0.212250316 0.132009003 0.140734992 0.087302767
 * (column min/max reproduce the published ideals), then
 *   Corsa  D+ = √(0 + .046677216² + 0 + .001505220²)              = 0.046701480
 *          D− = √(.033036342² + 0 + .028146999² + 0)              = 0.043401076
 *   Clio   D+ = √(.033036342² + 0 + .028146999² + .000602088²)    = 0.043405252
 *          D− = √(0 + .046677216² + 0 + .000903132²)              = 0.046685953
 *   Fiesta D+ = √(.032676540² + .039627012² + .018764666² + 0)   = 0.054682438
 *          D− = √(.000359802² + .007050204² + .009382333² + .001505220²) = 0.011837597
 *   C = D−/(D+ + D−): Corsa 0.481685290, Clio 0.518207666, Fiesta 0.177955362;
 *   ranks Clio 1, Corsa 2, Fiesta 3. */
static void test_topsis_cars(void **state)
{
    (void)state;
    const double x[12] = {5490, 51.4, 8.5, 285,
                          6500, 70.6, 7, 288,
                          6489, 54.3, 7.5, 290};
    const double w[4] = {0.35, 0.25, 0.25, 0.15};
    const int cost[4] = {1, 0, 0, 0};
    double c[3], dp[3], dm[3];
    int rank[3];
    assert_int_equal(cc_topsis(x, 3, 4, w, cost, c, dp, dm, rank), CC_OK);
    assert_near(dp[0], 0.046701480, 1e-9);
    assert_near(dm[0], 0.043401076, 1e-9);
    assert_near(dp[1], 0.043405252, 1e-9);
    assert_near(dm[1], 0.046685953, 1e-9);
    assert_near(dp[2], 0.054682438, 1e-9);
    assert_near(dm[2], 0.011837597, 1e-9);
    assert_near(c[0], 0.481685290, 1e-9);
    assert_near(c[1], 0.518207666, 1e-9);
    assert_near(c[2], 0.177955362, 1e-9);
    assert_int_equal(rank[0], 2);
    assert_int_equal(rank[1], 1);
    assert_int_equal(rank[2], 3);
}

/* All rows equal: D+ = D− = 0 → C = 0.5 for every row, ranks by row order. */
static void test_topsis_all_equal(void **state)
{
    (void)state;
    const double x[6] = {2, 1, 2, 1, 2, 1};
    const double w[2] = {0.7, 0.3};
    double c[3], dp[3], dm[3];
    int rank[3];
    assert_int_equal(cc_topsis(x, 3, 2, w, NULL, c, dp, dm, rank), CC_OK);
    for (int i = 0; i < 3; i++) {
        assert_near(c[i], 0.5, 0);
        assert_int_equal(rank[i], i + 1);
    }
}

/* ---- the configuration's AHP check ----------------------------------------- */

static void test_config_weights(void **state)
{
    (void)state;
    cc_config cfg;
    memset(&cfg, 0, sizeof cfg);
    char path[] = "indicators.ini";
    char d0[] = "a", d1[] = "b", d2[] = "c";
    cfg.path = path;
    cfg.dims[0] = d0; cfg.dims[1] = d1; cfg.dims[2] = d2;
    cfg.ndims = 3;
    cc_ahp_result r;

    /* fixed: nothing to check */
    cfg.weights = CC_WEIGHTS_FIXED;
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_OK);
    assert_int_equal(r.n, 0);

    /* ahp without [ahp] */
    cfg.weights = CC_WEIGHTS_AHP;
    FILE *f = capture();
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_ERR_CONFIG);
    uncapture(f);
    assert_non_null(strstr(diag_buf, "[ahp]"));

    /* the 3x3 textbook matrix: consistent, weights as in test_ahp_3x3 */
    const double good[9] = {1, 3, 5, 1.0 / 3, 1, 3, 1.0 / 5, 1.0 / 3, 1};
    cfg.has_ahp = 1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cfg.ahp[i][j] = good[i * 3 + j];
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_OK);
    assert_int_equal(r.n, 3);
    assert_near(r.weights[0], 0.636985572, 1e-8);
    cc_ahp_release(&r);

    /* the circular matrix: CR = 6.1303 */
    const double bad[9] = {1, 9, 1.0 / 9, 1.0 / 9, 1, 9, 9, 1.0 / 9, 1};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cfg.ahp[i][j] = bad[i * 3 + j];
    f = capture();
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_ERR_CONFIG);
    uncapture(f);
    assert_string_equal(diag_buf,
        "carecard: indicators.ini: [ahp] matrix is inconsistent: CR = 6.1303 \xe2\x89\xa5 0.10\n");
    assert_null(r.weights);

    /* [ahp.b] over the two indicators of dimension b, not reciprocal */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cfg.ahp[i][j] = good[i * 3 + j];
    cc_indicator ind[3];
    memset(ind, 0, sizeof ind);
    char b1[] = "B1", b2[] = "B2", a1[] = "A1";
    ind[0].dim = 0; ind[1].dim = 1; ind[2].dim = 1;
    ind[0].id = a1; ind[1].id = b1; ind[2].id = b2;
    cfg.ind = ind;
    cfg.nind = 3;
    double sub[4] = {1, 2, 2, 1};
    cfg.has_ahp_dim[1] = 1;
    cfg.ahp_dim[1] = sub;
    f = capture();
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_ERR_CONFIG);
    uncapture(f);
    assert_string_equal(diag_buf, "carecard: indicators.ini: [ahp.b] row 'B1', column 'B2' (2) and "
                        "row 'B2', column 'B1' (2) are not reciprocal: expected 0.5\n");
    cc_ahp_release(&r);
    sub[2] = 0.5;
    assert_int_equal(cc_config_check_weights(&cfg, &r), CC_OK);
    cc_ahp_release(&r);
}

/* The same check on a file read by the real loader:
 * fixtures/test/methods/ahp_config.ini has the consistent 3x3 [ahp] of
 * test_ahp_3x3 and the circular [ahp.process] of test_ahp_inconsistent. */
static void test_config_file(void **state)
{
    (void)state;
    const char *root = getenv("CARECARD_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/fixtures/test/methods/ahp_config.ini", root ? root : ".");
    cc_config cfg;
    FILE *f = capture();
    cc_err e = cc_config_load(path, &cfg);
    uncapture(f);
    assert_int_equal(e, CC_OK);
    cc_ahp_result r;
    f = capture();
    e = cc_config_check_weights(&cfg, &r);
    uncapture(f);
    assert_int_equal(e, CC_ERR_CONFIG);
    /* the dimension weights are still there: only [ahp.process] is bad */
    assert_int_equal(r.n, 3);
    assert_near(r.weights[0], 0.636985572, 1e-8);
    assert_near(r.cr, 0.033199216, 1e-8);
    char want[1200];
    snprintf(want, sizeof want, "carecard: %s: [ahp.process] matrix is inconsistent: CR = 6.1303 \xe2\x89\xa5 0.10\n",
             path);
    assert_string_equal(diag_buf, want);
    cc_ahp_release(&r);
    cc_config_release(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ahp_ri),
        cmocka_unit_test(test_ahp_3x3),
        cmocka_unit_test(test_ahp_spec_example),
        cmocka_unit_test(test_ahp_published_drinks),
        cmocka_unit_test(test_ahp_consistent),
        cmocka_unit_test(test_ahp_small),
        cmocka_unit_test(test_ahp_inconsistent),
        cmocka_unit_test(test_ahp_invalid),
        cmocka_unit_test(test_entropy_minmax),
        cmocka_unit_test(test_entropy_raw),
        cmocka_unit_test(test_entropy_published_xu2004),
        cmocka_unit_test(test_entropy_missing),
        cmocka_unit_test(test_entropy_all_constant),
        cmocka_unit_test(test_entropy_too_few),
        cmocka_unit_test(test_topsis_tie),
        cmocka_unit_test(test_topsis_cost),
        cmocka_unit_test(test_topsis_missing),
        cmocka_unit_test(test_topsis_cars),
        cmocka_unit_test(test_topsis_all_equal),
        cmocka_unit_test(test_config_weights),
        cmocka_unit_test(test_config_file),
    };
    return cmocka_run_group_tests_name("methods", tests, NULL, NULL);
}
