/* tinytorch.h - the whole ttlab API in one include.
 *
 * Support code, given complete:  tt_error.h  tt_tensor.h  tt_rng.h  tt_summary.h
 *                                (and ReLU in tt_module.h)
 * The five labs you implement:   tt_matmul.h (1)  tt_module.h (2)  tt_linear.h (3)
 *                                tt_sequential.h (4)  tt_flatten.h (5)
 */
#ifndef TINYTORCH_H
#define TINYTORCH_H

#include "tt_error.h"
#include "tt_tensor.h"
#include "tt_rng.h"
#include "tt_matmul.h"
#include "tt_module.h"
#include "tt_linear.h"
#include "tt_sequential.h"
#include "tt_flatten.h"
#include "tt_summary.h"

#endif /* TINYTORCH_H */
