import React, { useState, useEffect, useCallback } from "react";
import PropTypes from "prop-types";
import { fetchTodos } from "../api/todos";
import styles from "./TodoApp.module.css";

/** A single todo row. */
function TodoItem({ todo, onToggle }) {
  return (
    <li className={styles.item} onClick={() => onToggle(todo.id)}>
      <Checkbox checked={todo.done} />
      {todo.title}
    </li>
  );
}

TodoItem.propTypes = {
  todo: PropTypes.object.isRequired,
  onToggle: PropTypes.func,
};

const EmptyState = () => <p className={styles.empty}>Nothing to do</p>;

export const TodoList = React.memo(function TodoList({ todos, onToggle }) {
  if (todos.length === 0) return <EmptyState />;
  return (
    <ul>
      {todos.map((t) => (
        <TodoItem key={t.id} todo={t} onToggle={onToggle} />
      ))}
    </ul>
  );
});

/**
 * Top-level todo application.
 */
export default function TodoApp({ userId }) {
  const [todos, setTodos] = useState([]);
  const toggle = useCallback((id) => {
    setTodos((prev) => prev.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  }, []);

  useEffect(() => {
    let cancelled = false;
    async function load() {
      const data = await fetchTodos(userId);
      if (!cancelled) setTodos(data);
    }
    load();
    return () => {
      cancelled = true;
    };
  }, [userId]);

  const handleClear = () => setTodos([]);

  return (
    <Layout.Page title="Todos">
      <TodoList todos={todos} onToggle={toggle} />
      <button onClick={handleClear}>Clear</button>
    </Layout.Page>
  );
}

// Catches render errors below it.
export class ErrorBoundary extends React.Component {
  state = { error: null };

  static getDerivedStateFromError(error) {
    return { error };
  }

  componentDidCatch(error, info) {
    reportError(error, info.componentStack);
  }

  render() {
    return this.state.error ? <ErrorView error={this.state.error} /> : this.props.children;
  }
}
