# glmnet binomial and poisson reference paths for tests/test_glmnet_reference.py (which does not need R).
#
# Run from the repository root:
#   .venv/bin/python tests/reference/glmnet/export_glm_data.py   # breast_cancer.csv, counts.csv
#   Rscript tests/reference/glmnet/make_reference_glm.R           # writes <data>_paths.csv here
#
# binomial on breast_cancer.csv (569 x 30, target 0/1), poisson on counts.csv (200 x 8): for every mixing alpha in
# {1, 0.5, 0} and standardize in {TRUE, FALSE}, with an intercept (12 cases), a 30-point log-spaced lambda path
# from the start of glmnet's own default path down to 1e-3 of it (1e-4 for alpha = 0), fitted with thresh = 1e-20
# and maxit = 1e8. glmnet's IRLS for these families stops on the change of the deviance; thresh = 1e-20 takes it
# to the round-off level of the coefficients. Every number is written with 17 significant digits.
suppressMessages(library(glmnet))
stopifnot(packageVersion("glmnet") == "4.1.6")

out_dir <- "tests/reference/glmnet"
fmt <- function(x) sprintf("%.17g", x)
read_data <- function(file) {
  d <- read.csv(file.path(out_dir, file))
  list(X = as.matrix(d[, setdiff(names(d), "target")]), y = d$target)
}
cases <- list(breast_cancer = "binomial", counts = "poisson")

for (name in names(cases)) {
  family <- cases[[name]]
  data <- read_data(paste0(name, ".csv"))
  rows <- list()
  for (a in c(1, 0.5, 0)) for (std in c(TRUE, FALSE)) {
    start <- glmnet(data$X, data$y, family = family, alpha = a, standardize = std)$lambda[1]
    ratio <- if (a == 0) 1e-4 else 1e-3
    lambda <- exp(seq(log(start), log(start * ratio), length.out = 30))
    fit <- glmnet(data$X, data$y, family = family, alpha = a, lambda = lambda, standardize = std,
                  thresh = 1e-20, maxit = 1e8)
    stopifnot(fit$jerr == 0, length(fit$lambda) == 30, max(abs(fit$lambda / lambda - 1)) < 1e-14)
    beta <- as.matrix(fit$beta)
    block <- data.frame(alpha = fmt(a), standardize = std, intercept = TRUE, step = 0:29,
                        lambda = fmt(lambda), a0 = fmt(fit$a0))
    for (j in seq_len(nrow(beta))) block[[rownames(beta)[j]]] <- fmt(beta[j, ])
    rows[[length(rows) + 1]] <- block
  }
  table <- do.call(rbind, rows)
  write.csv(table, file.path(out_dir, paste0(name, "_paths.csv")), row.names = FALSE, quote = FALSE)
  cat(name, family, ":", nrow(table), "rows\n")
}
