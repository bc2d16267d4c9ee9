import { Navigate } from 'react-router-dom';
import { useUser } from '../session';

export default function HomeRedirect() {
  const user = useUser();
  if (!user) return null;
  if (user.role === 'reviewer' || user.role === 'admin') return <Navigate to="/review" replace />;
  if (user.role === 'judicial') return <Navigate to="/profile" replace />;
  return <Navigate to="/works" replace />;
}
