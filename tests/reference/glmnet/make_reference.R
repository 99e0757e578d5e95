# glmnet reference paths for tests/test_glmnet_reference.py (which does not need R).
#
# Run from the repository root:
#   .venv/bin/python tests/reference/glmnet/export_diabetes.py   # diabetes.csv (already stored)
#   Rscript tests/reference/glmnet/make_reference.R              # writes <data>_paths.csv here
#
# For diabetes (scikit-learn's load_diabetes(scaled=False), read from diabetes.csv) and prostate
# (bayesreg/data/prostate.data: lcavol..pgg45 -> lpsa, all 97 rows), for every glmnet mixing
# alpha in {1, 0.5, 0}, standardize in {TRUE, FALSE} and intercept in {TRUE, FALSE} (24 cases):
# an explicit 30-point log-spaced lambda path from the start of glmnet's own default path
# (lambda[1] of a default fit with the same settings) down to 1e-3 of it (1e-5 for alpha = 0,
# whose default start is the alpha = 0.001 lasso start, i.e. near-zero coefficients, so that the
# path reaches close to least squares), fitted with thresh = 1e-20 and maxit = 1e8. Every number
# is written with 17 significant digits (exact round trip of a double); lambda is the value passed
# to glmnet (its fit$lambda equals it to round-off: glmnet divides by its y scale and multiplies back).
suppressMessages(library(glmnet))
stopifnot(packageVersion("glmnet") == "4.1.6")

out_dir <- "tests/reference/glmnet"
datasets <- list(
  diabetes = local({
    d <- read.csv(file.path(out_dir, "diabetes.csv"))
    list(X = as.matrix(d[, setdiff(names(d), "target")]), y = d$target)
  }),
  prostate = local({
    d <- read.table("bayesreg/data/prostate.data", header = TRUE, sep = "\t", row.names = 1)
    features <- c("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
    list(X = as.matrix(d[, features]), y = d$lpsa)
  })
)

fmt <- function(x) sprintf("%.17g", x)

for (name in names(datasets)) {
  X <- datasets[[name]]$X
  y <- datasets[[name]]$y
  rows <- list()
  for (a in c(1, 0.5, 0)) for (std in c(TRUE, FALSE)) for (intr in c(TRUE, FALSE)) {
    start <- glmnet(X, y, alpha = a, standardize = std, intercept = intr)$lambda[1]
    ratio <- if (a == 0) 1e-5 else 1e-3
    lambda <- exp(seq(log(start), log(start * ratio), length.out = 30))
    fit <- glmnet(X, y, alpha = a, lambda = lambda, standardize = std, intercept = intr,
                  thresh = 1e-20, maxit = 1e8)
    stopifnot(fit$jerr == 0, length(fit$lambda) == 30, max(abs(fit$lambda / lambda - 1)) < 1e-14)
    beta <- as.matrix(fit$beta)
    block <- data.frame(alpha = fmt(a), standardize = std, intercept = intr, step = 0:29,
                        lambda = fmt(lambda), a0 = fmt(fit$a0))
    for (j in seq_len(nrow(beta))) block[[rownames(beta)[j]]] <- fmt(beta[j, ])
    rows[[length(rows) + 1]] <- block
  }
  table <- do.call(rbind, rows)
  write.csv(table, file.path(out_dir, paste0(name, "_paths.csv")), row.names = FALSE, quote = FALSE)
  cat(name, ":", nrow(table), "rows\n")
}
