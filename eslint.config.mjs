import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "policies/node_modules/**",
            "mutation/node_modules/**",
            "out/**",
            "bin/**",
            "reports/**",
            ".stryker-tmp/**",
        ],
    },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    { files: ["mutation/*.mjs"], languageOptions: { globals: { console: "readonly" } } },
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "no-new": "off",
        },
    },
);
