"""scikit-learn estimators (validate -> design -> build -> optimize | sample) and their persistence."""
