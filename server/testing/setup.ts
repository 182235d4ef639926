// Runs in every test worker before the test files.
process.env.TZ = "UTC";
