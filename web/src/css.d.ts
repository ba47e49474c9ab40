// Vite bundles imported stylesheets; for TypeScript they are modules with no exports.
declare module '*.css';
