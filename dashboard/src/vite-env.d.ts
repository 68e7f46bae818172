// Vite turns `import "./style.css"` into the built page's stylesheet.
declare module "*.css";
