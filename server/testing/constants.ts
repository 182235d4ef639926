export const TEMPLATE_DATABASE = "memberflow_test_template";
