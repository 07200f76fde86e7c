import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps a render error inside its section: the section shows it as an alert with Try again, and the rest of the page
 * keeps working. Without it, React unmounts the whole page on the first error a section throws while rendering.
 */
export class SectionBoundary extends Component<{ id: string; title: string; children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`The ${this.props.title} section failed to render`, error, info.componentStack);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const headingId = `${this.props.id}-title`;
    return (
      <section id={this.props.id} className="section" aria-labelledby={headingId} data-state="error">
        <header className="section-head">
          <h2 id={headingId}>{this.props.title}</h2>
          <span className="badge badge-error">Error</span>
        </header>
        <p role="alert" className="error">
          This section could not be shown: {error.message}. Stored data is not affected.{' '}
          <button type="button" onClick={() => this.setState({ error: undefined })}>
            Try again
          </button>
        </p>
      </section>
    );
  }
}
