// Matchers such as toBeInTheDocument() for component tests.
import '@testing-library/jest-dom/vitest';
