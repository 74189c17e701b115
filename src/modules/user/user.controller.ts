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
import { RequestMessage, ToolkitController } from '../../toolkit/transport';
import { toUserMessage } from './user.message-mapper';
import { UserService } from './user.service';

/**
 * Transport only: each method serves its rpc on gRPC and its google.api.http route, receives the
 * validated request message and maps between messages and the service's domain.
 */
@ToolkitController(UserServiceDescriptor)
export class UserController implements UserServiceController {
  constructor(private readonly users: UserService) {}

  @UserServiceRpc('CreateUser')
  async createUser(@RequestMessage() request: CreateUserRequest): Promise<CreateUserResponse> {
    const user = await this.users.createUser(request.name, request.email);
    return { user_id: user.id, status: 'created' };
  }

  @UserServiceRpc('GetUser')
  async getUser(@RequestMessage() request: GetUserRequest): Promise<GetUserResponse> {
    return { user: toUserMessage(await this.users.getUser(request.user_id)) };
  }

  @UserServiceRpc('UpdateUser')
  async updateUser(@RequestMessage() request: UpdateUserRequest): Promise<UpdateUserResponse> {
    const user = await this.users.updateUser(request.user_id, {
      name: request.name ?? undefined,
      email: request.email ?? undefined,
    });
    return { user: toUserMessage(user) };
  }

  @UserServiceRpc('DeleteUser')
  async deleteUser(@RequestMessage() request: DeleteUserRequest): Promise<DeleteUserResponse> {
    await this.users.deleteUser(request.user_id);
    return { status: 'deleted' };
  }

  @UserServiceRpc('ListUsers')
  async listUsers(@RequestMessage() request: ListUsersRequest): Promise<ListUsersResponse> {
    const page = await this.users.listUsers(
      request.limit,
      request.offset,
      request.search ?? undefined,
    );
    return { users: page.users.map(toUserMessage), total: page.total };
  }
}
