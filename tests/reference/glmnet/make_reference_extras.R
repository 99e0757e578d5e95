# glmnet reference paths with penalty.factor, observation weights and offsets, for tests/test_glmnet_reference.py.
#
# Run from the repository root (after export_glm_data.py and export_diabetes.py wrote the data sets):
#   Rscript tests/reference/glmnet/make_reference_extras.R   # writes extras_paths.csv and extras_inputs.csv here
#
# Three cases, each with mixing alpha in {1, 0.5}, standardize = TRUE, an intercept and a 15-point log-spaced
# lambda path from the start of glmnet's own default path down to 1e-3 of it (thresh = 1e-20, maxit = 1e8):
#   diabetes  gaussian  penalty.factor (a 0: an unpenalized column)
#   breast_cancer  binomial  penalty.factor and observation weights
#   counts  poisson  penalty.factor, observation weights and offset = log(exposure)
# The weights and exposures are deterministic functions of the row number, written to extras_inputs.csv.
suppressMessages(library(glmnet))
stopifnot(packageVersion("glmnet") == "4.1.6")

out_dir <- "tests/reference/glmnet"
fmt <- function(x) sprintf("%.17g", x)
read_data <- function(file) {
  d <- read.csv(file.path(out_dir, file))
  list(X = as.matrix(d[, setdiff(names(d), "target")]), y = d$target)
}
cases <- list(
  diabetes = list(family = "gaussian", factor = c(0, 1, 1, 2.5, 1, 1, 1, 1, 1, 0.5), weights = FALSE,
                  offset = FALSE),
  breast_cancer = list(family = "binomial", factor = c(0, 1, 1, 1, 3, rep(1, 25)), weights = TRUE, offset = FALSE),
  counts = list(family = "poisson", factor = c(0, 1, 1, 2, 1, 1, 0.5, 1), weights = TRUE, offset = TRUE)
)

rows <- list()
inputs <- list()
for (name in names(cases)) {
  case <- cases[[name]]
  data <- read_data(paste0(name, ".csv"))
  n <- nrow(data$X)
  i <- seq_len(n)
  w <- if (case$weights) 0.25 + ((7 * i) %% 11) / 4 else rep(1, n)
  exposure <- if (case$offset) 0.5 + ((3 * i) %% 7) else rep(1, n)
  off <- if (case$offset) log(exposure) else NULL
  inputs[[name]] <- data.frame(dataset = name, row = i - 1, weight = fmt(w), exposure = fmt(exposure))
  for (a in c(1, 0.5)) {
    start <- glmnet(data$X, data$y, family = case$family, alpha = a, weights = w, offset = off,
                    penalty.factor = case$factor)$lambda[1]
    lambda <- exp(seq(log(start), log(start * 1e-3), length.out = 15))
    fit <- glmnet(data$X, data$y, family = case$family, alpha = a, lambda = lambda, weights = w, offset = off,
                  penalty.factor = case$factor, thresh = 1e-20, maxit = 1e8)
    stopifnot(fit$jerr == 0, length(fit$lambda) == 15)
    beta <- as.matrix(fit$beta)
    block <- data.frame(dataset = name, family = case$family, alpha = fmt(a), step = 0:14, lambda = fmt(lambda),
                        a0 = fmt(fit$a0))
    for (j in seq_len(ncol(data$X))) block[[paste0("b", j - 1)]] <- fmt(beta[j, ])
    for (j in seq_len(ncol(data$X))) block[[paste0("f", j - 1)]] <- fmt(case$factor[j])
    rows[[length(rows) + 1]] <- block
  }
}
# one table, the narrower blocks padded with empty columns
columns <- unique(unlist(lapply(rows, names)))
pad <- function(block) { for (col in setdiff(columns, names(block))) block[[col]] <- ""; block[, columns] }
write.csv(do.call(rbind, lapply(rows, pad)), file.path(out_dir, "extras_paths.csv"), row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, inputs), file.path(out_dir, "extras_inputs.csv"), row.names = FALSE, quote = FALSE)
cat("extras:", sum(sapply(rows, nrow)), "rows\n")
