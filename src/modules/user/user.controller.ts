import {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserRequest,
  DeleteUserResponse,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  UpdateUserRequest,
  UpdateUserResponse,
  UserServiceController,
} from '../../gen/userservice/user-service';
import { UserServiceDescriptor, UserServiceRpc } from '../../gen/userservice/user-service.toolkit';
import { Call, CallContext } from '../../toolkit/pipeline';
import { RequestMessage, ToolkitController } from '../../toolkit/transport';
import { toUserMessage } from './user.message-mapper';
import { UserService } from './user.service';

/**
 * Transport only: each method serves its rpc on gRPC and its google.api.http route, receives the
 * validated request message and maps between messages and the service's domain; the call goes
 * along as the service's `RequestScope` (its deadline, its logger).
 */
@ToolkitController(UserServiceDescriptor)
export class UserController implements UserServiceController {
  constructor(private readonly users: UserService) {}

  @UserServiceRpc('CreateUser')
  async createUser(
    @RequestMessage() request: CreateUserRequest,
    @Call() call?: CallContext,
  ): Promise<CreateUserResponse> {
    const user = await this.users.createUser(request.name, request.email, call);
    return { user_id: user.id, status: 'created' };
  }

  @UserServiceRpc('GetUser')
  async getUser(
    @RequestMessage() request: GetUserRequest,
    @Call() call?: CallContext,
  ): Promise<GetUserResponse> {
    return { user: toUserMessage(await this.users.getUser(request.user_id, call)) };
  }

  @UserServiceRpc('UpdateUser')
  async updateUser(
    @RequestMessage() request: UpdateUserRequest,
    @Call() call?: CallContext,
  ): Promise<UpdateUserResponse> {
    const changes = { name: request.name ?? undefined, email: request.email ?? undefined };
    const user = await this.users.updateUser(request.user_id, changes, call);
    return { user: toUserMessage(user) };
  }

  @UserServiceRpc('DeleteUser')
  async deleteUser(
    @RequestMessage() request: DeleteUserRequest,
    @Call() call?: CallContext,
  ): Promise<DeleteUserResponse> {
    await this.users.deleteUser(request.user_id, call);
    return { status: 'deleted' };
  }

  @UserServiceRpc('ListUsers')
  async listUsers(
    @RequestMessage() request: ListUsersRequest,
    @Call() call?: CallContext,
  ): Promise<ListUsersResponse> {
    const search = request.search ?? undefined;
    const page = await this.users.listUsers(request.limit, request.offset, search, call);
    return { users: page.users.map(toUserMessage), total: page.total };
  }
}
